fn main() -> std::process::ExitCode {
    foi_tracker::cli::main()
}
