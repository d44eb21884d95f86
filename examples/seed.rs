//! Seeds a register for the load benchmark: N requests with about ten events each, and
//! optionally D documents of generated text (each about 3 kB, a response letter's length),
//! recorded through the same use cases a researcher's form calls. See BENCHMARKS.md.
//!
//! cargo run --release --example seed -- sqlite://target/bench/register.db 10000 2026-06-01 [D]
//!
//! Documents are read for search as they are stored, by the server binary beside this one
//! (target/release/foi-tracker), as the server itself would.
//!
//! The requests are filed by bench@example.org (coordinator, password `bench-password`), whom
//! bench/load.sh signs in as.

use chrono::{Days, NaiveDate};
use foi_tracker::config::Settings;
use foi_tracker::domain::calendar::CalendarKind;
use foi_tracker::startup;
use foi_tracker::tracker::accounts::{self, UserInput};
use foi_tracker::tracker::audit::Caller;
use foi_tracker::tracker::authorities;
use foi_tracker::tracker::events::{self, EventInput};
use foi_tracker::tracker::holidays::CalendarStore;
use foi_tracker::tracker::request_input::RequestInput;
use foi_tracker::tracker::requests;

/// A deterministic generator, so that two runs seed the same register.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "sqlite://target/bench/register.db".into());
    let count: u64 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let today = args
        .get(3)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(2026, 6, 1).unwrap());
    let documents: u64 = args.get(4).and_then(|n| n.parse().ok()).unwrap_or(0);
    if let Some(release) = std::env::current_exe()
        .ok()
        .and_then(|e| Some(e.parent()?.parent()?.join("foi-tracker")))
    {
        foi_tracker::sandbox::use_program(release);
    }
    let settings = Settings {
        database_url: url,
        ..Settings::default()
    };
    let mut conn = startup::connection(&settings).expect("the database opens");
    let calendars = CalendarStore::load(&mut conn).expect("the calendar loads");
    let calendar = calendars.current(&mut conn).expect("the calendar loads");
    let now = foi_tracker::clock::now();
    let bench = UserInput {
        email: "bench@example.org".into(),
        name: "Benchmark coordinator".into(),
        organisation: "Benchmark NGO".into(),
        role: "coordinator".into(),
        password: Some("bench-password".into()),
    };
    let user = accounts::add_user(
        &mut conn,
        &Caller::command_line(),
        &bench,
        "http://localhost",
        now,
    )
    .expect("the benchmark user is new: seed an empty database")
    .user;
    let caller = Caller::user(foi_tracker::tracker::sessions::actor_of(&user), None);
    let authority_ids: Vec<i32> = authorities::list(&mut conn, &caller)
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    let mut random = Xorshift(0x2545_F491_4F6C_DD1D);
    let started = std::time::Instant::now();
    let mut events_recorded = 0;
    for i in 0..count {
        // Received within the last 400 days; the recent ones are still running.
        let received = today - Days::new(random.next(400) + 1);
        let input = RequestInput {
            title: format!("Seeded request {i}: potential victims in detention"),
            body: "Please provide the number of potential victims of modern slavery detained, by quarter."
                .into(),
            authority_id: Some(authority_ids[random.next(authority_ids.len() as u64) as usize]),
            regime: Some("foia".into()),
            sent_on: Some(received.to_string()),
            tags: vec![["detention", "nrm", "support", "returns"][random.next(4) as usize].into()],
            ..RequestInput::default()
        };
        let id = requests::create(&mut conn, &calendars, &caller, today, &input, now)
            .expect("a seeded request is valid");
        events_recorded += 1;
        // Ten more events in a plausible order, none after today.
        let answered = calendar
            .add_working_days(CalendarKind::Foia, received, 5 + random.next(30) as u32)
            .unwrap();
        let mut plan: Vec<(&str, NaiveDate)> = vec![("acknowledged", received + Days::new(1))];
        for n in 0..5 {
            plan.push(("note", received + Days::new(2 + n)));
        }
        plan.push(("response", answered));
        plan.push(("internal_review_requested", answered + Days::new(10)));
        plan.push(("internal_review_response", answered + Days::new(30)));
        plan.push(("note", answered + Days::new(31)));
        for (kind, date) in plan.into_iter().filter(|(_, d)| *d <= today) {
            let event = EventInput {
                kind: kind.into(),
                occurred_on: date.to_string(),
                ..EventInput::default()
            };
            events::add(&mut conn, &calendars, &caller, today, id, &event, now).expect("a seeded event fits");
            events_recorded += 1;
        }
        if (i + 1) % 1000 == 0 {
            eprintln!(
                "{} requests, {events_recorded} events, {:.0?}",
                i + 1,
                started.elapsed()
            );
        }
    }
    println!(
        "seeded {count} requests with {events_recorded} events in {:.1?}",
        started.elapsed()
    );
    let started = std::time::Instant::now();
    for n in 0..documents {
        let request = 1 + (n % count) as i32;
        let text = letter(&mut random, n);
        let file = foi_tracker::tracker::documents::UploadedFile {
            file_name: Some(&format!("response-{n}.txt")),
            content: text.as_bytes(),
            event_id: None,
        };
        foi_tracker::tracker::documents::upload(&mut conn, &caller, request, &file, 1 << 20, now)
            .expect("a seeded document is stored");
        if (n + 1) % 1000 == 0 {
            eprintln!("{} documents, {:.0?}", n + 1, started.elapsed());
        }
    }
    if documents > 0 {
        println!("seeded {documents} documents in {:.1?}", started.elapsed());
    }
}

/// A response letter of about 3 kB: the usual sentences, a country and a few figures drawn at
/// random, so that a search finds some letters and not others.
fn letter(random: &mut Xorshift, n: u64) -> String {
    const SENTENCES: &[&str] = &[
        "Thank you for your request for information, which we have considered under the Freedom of Information Act 2000.",
        "We can confirm that the Home Office holds some of the information you asked for.",
        "The figures below cover people referred to the National Referral Mechanism who were detained under immigration powers.",
        "Some of the information is exempt under section 40(2), as it is the personal data of third parties.",
        "We have considered the public interest in disclosure of the remaining figures under section 31(1)(e).",
        "Figures of fewer than five have been suppressed to protect the individuals concerned.",
        "Safe-house places were offered to adults entering support under the victim care contract.",
        "The data are taken from a live operational database and may be revised.",
        "If you are dissatisfied with this response you may request an independent internal review within two months.",
        "A request for an internal review should be sent to the address above, quoting the reference number.",
        "If you remain dissatisfied after the internal review, you may complain to the Information Commissioner.",
        "Voluntary returns and enforced removals are counted by the quarter in which the person left the United Kingdom.",
    ];
    const COUNTRIES: &[&str] = &[
        "Albania",
        "Vietnam",
        "Eritrea",
        "Sudan",
        "Romania",
        "Nigeria",
        "India",
        "China",
        "Poland",
        "Iraq",
        "Afghanistan",
        "Iran",
        "Pakistan",
        "Bangladesh",
        "Ghana",
        "Ethiopia",
        "Somalia",
        "Syria",
        "Egypt",
        "Kuwait",
    ];
    let mut text = format!("Our reference: FOI {}\n\n", 60_000 + n);
    while text.len() < 3_000 {
        text.push_str(SENTENCES[random.next(SENTENCES.len() as u64) as usize]);
        text.push(' ');
        if random.next(4) == 0 {
            let country = COUNTRIES[random.next(COUNTRIES.len() as u64) as usize];
            text.push_str(&format!(
                "In quarter {} there were {} people from {country}. ",
                1 + random.next(4),
                random.next(500)
            ));
        }
    }
    text
}
