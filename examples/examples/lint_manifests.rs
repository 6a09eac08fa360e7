//! Validates manifest files and prints rustc-style diagnostics.
//!
//! ```text
//! cargo run --example lint_manifests -- examples/manifests --allowed-prefix /mdapi/
//! cargo run --example lint_manifests -- examples/manifests/payments-api.yaml --json
//! ```
//!
//! Exit status: 0 without errors, 1 when a manifest has errors, 2 on a usage or I/O problem.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::IsTerminal;
use std::process::ExitCode;

use keyless_eso::RenderOptions;
use keyless_examples::lint::{self, LintCommand};
use keyless_examples::{ExampleError, error_chain};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("lint_manifests: {}", error_chain(&error));
            if matches!(error, ExampleError::Usage { .. }) {
                eprintln!("\n{}", lint::USAGE);
            }
            ExitCode::from(error.exit_code())
        }
    }
}

fn run() -> Result<ExitCode, ExampleError> {
    let command = LintCommand::parse(std::env::args().skip(1))?;
    if command.help {
        println!("{}", lint::USAGE);
        return Ok(ExitCode::SUCCESS);
    }

    let report = lint::lint_paths(&command.paths, &command.options())?;

    if command.json {
        println!("{}", report.to_json()?);
    } else {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let options = if colour {
            RenderOptions::terminal()
        } else {
            RenderOptions::plain()
        };
        print!("{}", report.to_text(options));
    }

    Ok(if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
