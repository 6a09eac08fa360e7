//! Renders the Secret(s) an ExternalSecret would produce from values in a file, with no
//! gateway: a local dry run.
//!
//! ```text
//! cargo run --example render_manifest -- examples/manifests/orders-config.yaml \
//!     --values examples/values/orders-config.yaml
//! ```
//!
//! Exit status: 0 when everything rendered cleanly, 1 when a manifest has errors or an
//! ExternalSecret does not render, 2 on a usage or I/O problem.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::IsTerminal;
use std::process::ExitCode;

use keyless_eso::{Document, RenderOptions};
use keyless_examples::dry_run::{self, RenderCommand};
use keyless_examples::{ExampleError, error_chain, secret_view};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("render_manifest: {}", error_chain(&error));
            if matches!(error, ExampleError::Usage { .. }) {
                eprintln!("\n{}", dry_run::USAGE);
            }
            ExitCode::from(error.exit_code())
        }
    }
}

fn run() -> Result<ExitCode, ExampleError> {
    let command = RenderCommand::parse(std::env::args().skip(1))?;
    if command.help {
        println!("{}", dry_run::USAGE);
        return Ok(ExitCode::SUCCESS);
    }

    let values = dry_run::load_values(&command.values)?;
    let document = Document::load(&command.manifest)?;
    let result = dry_run::dry_run(document, &values);

    // Diagnostics and render failures go to stderr, so stdout stays a valid manifest.
    if !result.diagnostics.is_empty() {
        let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let options = if colour {
            RenderOptions::terminal()
        } else {
            RenderOptions::plain()
        };
        eprint!(
            "{}",
            keyless_eso::render_text(&result.document, &result.diagnostics, options)
        );
    }
    for rendered in &result.rendered {
        if let Err(error) = &rendered.result {
            eprintln!(
                "error: ExternalSecret {} does not render ({}): {}",
                rendered.external_secret,
                error.ready_message(),
                error.eso_message()
            );
        }
    }
    if result.rendered.is_empty() {
        eprintln!(
            "render_manifest: {} holds no ExternalSecret",
            command.manifest.display()
        );
    }

    if command.json {
        let json = dry_run::secrets_json(result.secrets(), command.show_values)?;
        let text = serde_json::to_string_pretty(&json).map_err(|source| ExampleError::Json {
            what: "the Secrets",
            source,
        })?;
        println!("{text}");
    } else {
        if !command.show_values {
            println!("# values redacted; --show-values prints them");
        }
        for secret in result.secrets() {
            println!("---");
            print!(
                "{}",
                secret_view::manifest_yaml(secret, command.show_values)?
            );
        }
    }

    let clean = result.is_clean() && !result.rendered.is_empty();
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
