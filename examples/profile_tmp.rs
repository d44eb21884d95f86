use foi_tracker::config::Settings;
use foi_tracker::domain::calendar::Calendar;
use foi_tracker::startup;
use foi_tracker::tracker::dashboard;
use std::time::Instant;
fn main() {
    let settings = Settings {
        database_url: std::env::args()
            .nth(1)
            .unwrap_or("sqlite://target/bench/register.db".into()),
        ..Settings::default()
    };
    let mut conn = startup::connection(&settings).unwrap();
    let cal = Calendar::bundled();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        for _ in 0..20 {
            dashboard::dashboard(&mut conn, cal, today).unwrap();
        }
        println!("dashboard {:?}", t.elapsed() / 20);
    }
}
