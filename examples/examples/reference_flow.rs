//! The main job: the whole keyless system in one process, told as a story.
//!
//! ```text
//! cargo run --example reference_flow
//! cargo run --example reference_flow -- --json          # one JSON object per step
//! cargo run --example reference_flow -- --show-values   # print values instead of lengths
//! ```
//!
//! Exit status: 0 when every step behaved as the runbook says, 1 when one did not, 2 when the
//! flow could not run.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use keyless_examples::flow::{self, FlowCommand, StepReport};
use keyless_examples::{ExampleError, error_chain};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("reference_flow: {}", error_chain(&error));
            if matches!(error, ExampleError::Usage { .. }) {
                eprintln!("\n{}", flow::USAGE);
            }
            ExitCode::from(error.exit_code())
        }
    }
}

async fn run() -> Result<ExitCode, ExampleError> {
    let command = FlowCommand::parse(std::env::args().skip(1))?;
    if command.help {
        println!("{}", flow::USAGE);
        return Ok(ExitCode::SUCCESS);
    }

    if !command.json {
        println!("keyless reference flow: operator → gateway (SaaS + customer fragment) → ESO");
        println!("→ Kubernetes Secret, then rotation, revocation and the runbook's failures.");
        if !command.show_values {
            println!("Values are redacted; --show-values prints them.");
        }
    }

    let mut number = 0;
    let mut print_step = |step: &StepReport| {
        number += 1;
        if command.json {
            match step.to_json_line() {
                Ok(line) => println!("{line}"),
                Err(error) => eprintln!("reference_flow: {}", error_chain(&error)),
            }
        } else {
            print!("{}", step.to_text(number));
        }
    };
    let report = flow::run(&command.options(), &mut print_step).await?;

    if command.json {
        println!("{}", report.summary_json());
    } else if report.ok() {
        println!("\nAll {} steps behaved as documented.", report.steps.len());
    } else {
        println!(
            "\n{} of {} steps did NOT behave as documented: {}",
            report.failed_steps().len(),
            report.steps.len(),
            report.failed_steps().join(", ")
        );
    }
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
