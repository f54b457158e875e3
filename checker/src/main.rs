//! The `weft` command: check scenarios, replay counterexamples.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
