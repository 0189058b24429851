// Shared by the repro programs: a verdict line and the exit status that goes with it.
#[allow(dead_code)]
pub fn verdict(deviates: bool, what: &str) -> ! {
    if deviates {
        println!("DEVIATION: {what}");
        std::process::exit(1);
    }
    println!("as the spec says: {what}");
    std::process::exit(0);
}
