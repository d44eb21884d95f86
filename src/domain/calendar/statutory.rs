//! Bank holidays generated from the statutory rules, for years that no published list covers.
//!
//! The rules are those of the Banking and Financial Dealings Act 1971 and the annual royal
//! proclamations, as DEADLINES.md states them; one-off proclamations are a table of their
//! own, listing the regular days they replaced.

use chrono::{Datelike, NaiveDate, Weekday};

use super::{Division, Holiday, HolidaySource};

/// A day proclaimed once, and the regular holiday it replaced, if any (UK-wide).
struct OneOff {
    date: (i32, u32, u32),
    title: &'static str,
    replaces: Option<(i32, u32, u32)>,
}

const ONE_OFFS: &[OneOff] = &[
    OneOff {
        date: (1995, 5, 8),
        title: "Early May bank holiday (VE day)",
        replaces: Some((1995, 5, 1)),
    },
    OneOff {
        date: (1999, 12, 31),
        title: "Millennium celebrations",
        replaces: None,
    },
    OneOff {
        date: (2002, 6, 3),
        title: "Queen’s Golden Jubilee",
        replaces: None,
    },
    OneOff {
        date: (2002, 6, 4),
        title: "Spring bank holiday",
        replaces: Some((2002, 5, 27)),
    },
    OneOff {
        date: (2011, 4, 29),
        title: "Royal wedding",
        replaces: None,
    },
    OneOff {
        date: (2012, 6, 4),
        title: "Spring bank holiday",
        replaces: Some((2012, 5, 28)),
    },
    OneOff {
        date: (2012, 6, 5),
        title: "Queen’s Diamond Jubilee",
        replaces: None,
    },
    OneOff {
        date: (2020, 5, 8),
        title: "Early May bank holiday (VE day)",
        replaces: Some((2020, 5, 4)),
    },
    OneOff {
        date: (2022, 6, 2),
        title: "Spring bank holiday",
        replaces: Some((2022, 5, 30)),
    },
    OneOff {
        date: (2022, 6, 3),
        title: "Platinum Jubilee bank holiday",
        replaces: None,
    },
    OneOff {
        date: (2022, 9, 19),
        title: "Bank Holiday for the State Funeral of Queen Elizabeth II",
        replaces: None,
    },
    OneOff {
        date: (2023, 5, 8),
        title: "Bank holiday for the coronation of King Charles III",
        replaces: None,
    },
];

fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("the one-off table holds real dates")
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("fixed holiday dates exist every year")
}

/// Easter Sunday in the Gregorian calendar (the anonymous algorithm of Meeus, Jones and Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    date(year, month as u32, day as u32)
}

pub fn good_friday(year: i32) -> NaiveDate {
    easter_sunday(year) - chrono::Days::new(2)
}

fn first_monday(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 1).expect("every month has a Monday")
}

fn last_monday(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 5)
        .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 4))
        .expect("every month has four Mondays")
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The holidays of one division in one year, computed from the rules.
pub(super) fn holidays(division: Division, year: i32) -> Vec<Holiday> {
    let easter = easter_sunday(year);
    // (date, title, moves to a substitute weekday when it falls at a weekend)
    let mut days: Vec<(NaiveDate, &'static str, bool)> = vec![
        (date(year, 1, 1), "New Year’s Day", true),
        (good_friday(year), "Good Friday", false),
        (first_monday(year, 5), "Early May bank holiday", false),
        (last_monday(year, 5), "Spring bank holiday", false),
        (date(year, 12, 25), "Christmas Day", true),
        (date(year, 12, 26), "Boxing Day", true),
    ];
    match division {
        Division::EnglandAndWales | Division::NorthernIreland => {
            days.push((easter + chrono::Days::new(1), "Easter Monday", false));
            days.push((last_monday(year, 8), "Summer bank holiday", false));
        }
        Division::Scotland => {
            days.push((date(year, 1, 2), "2nd January", true));
            days.push((first_monday(year, 8), "Summer bank holiday", false));
            if year >= 2007 {
                days.push((date(year, 11, 30), "St Andrew’s Day", true));
            }
        }
    }
    if division == Division::NorthernIreland {
        days.push((date(year, 3, 17), "St Patrick’s Day", true));
        days.push((date(year, 7, 12), "Battle of the Boyne (Orangemen’s Day)", true));
    }
    for one_off in ONE_OFFS.iter().filter(|o| o.date.0 == year) {
        if let Some(replaced) = one_off.replaces {
            days.retain(|(d, _, _)| *d != ymd(replaced));
        }
        days.push((ymd(one_off.date), one_off.title, false));
    }
    days.sort_by_key(|(d, _, _)| *d);

    // A weekend holiday moves to the next weekday not already a holiday, in date order:
    // this yields Christmas on the 27th when Boxing Day is a Monday, and Scotland's
    // New Year substitutes on the 3rd and 4th.
    let mut taken: Vec<NaiveDate> = days.iter().map(|(d, _, _)| *d).collect();
    let mut result = Vec::with_capacity(days.len());
    for (day, title, substitutable) in days {
        if !is_weekend(day) {
            result.push(holiday(day, title, false));
        } else if substitutable {
            let mut substitute = day;
            while is_weekend(substitute) || taken.contains(&substitute) {
                substitute = substitute.succ_opt().expect("within the supported years");
            }
            taken.push(substitute);
            result.push(holiday(substitute, title, true));
        }
    }
    result.sort_by_key(|h| h.date);
    result
}

fn holiday(date: NaiveDate, title: &str, substitute: bool) -> Holiday {
    Holiday {
        date,
        title: title.to_string(),
        substitute,
        source: HolidaySource::Computed,
    }
}
