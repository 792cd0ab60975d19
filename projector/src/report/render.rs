//! The report as the terminal shows it.

use super::Report;
use super::flags::Flag;
use super::supply::{Faucet, Money, Sink};
use std::fmt::Write as _;

/// `n` credits with a thousands separator.
fn credits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

/// The whole report.
#[must_use]
pub fn text(report: &Report) -> String {
    let mut out = format!("Economy report for guild {}\n", report.guild);
    let when = match (report.from, report.to) {
        (Some(from), Some(to)) => format!(
            " ({} .. {} UTC)",
            from.format("%Y-%m-%d %H:%M"),
            to.format("%Y-%m-%d %H:%M")
        ),
        _ => String::new(),
    };
    if report.events == 0 {
        let _ = writeln!(out, "period: no events");
    } else {
        let _ = writeln!(
            out,
            "period: guild_seq {}..={}{when}, {} events",
            report.span.first, report.span.last, report.events
        );
    }
    money(&mut out, &report.money);
    concentration(&mut out, report);
    flags(&mut out, &report.flags);
    out
}

fn money(out: &mut String, m: &Money) {
    let h = &m.holdings;
    let _ = writeln!(
        out,
        "\nMoney supply (credits outside the mint and the treasury)\n  at start  {:>12}\n  at end    {:>12}   members {}, teams {}, escrows {}, prize pools {}, dispute holds {}",
        credits(m.supply_start),
        credits(m.supply_end),
        credits(h.members),
        credits(h.teams),
        credits(h.escrows),
        credits(h.prize_pools),
        credits(h.dispute_holds),
    );
    let _ = writeln!(
        out,
        "\n  {:<12} {:>12} {:>12} {:>14} {:>16}",
        "week of", "faucets", "sinks", "supply at end", "member-to-member"
    );
    for w in &m.weeks {
        let _ = writeln!(
            out,
            "  {:<12} {:>12} {:>12} {:>14} {:>16}",
            w.start.to_string(),
            credits(w.faucets_total()),
            credits(w.sinks_total()),
            credits(w.supply),
            credits(w.member_volume)
        );
        let kinds = |flows: Vec<(&str, i64)>| {
            flows
                .into_iter()
                .filter(|(_, n)| *n != 0)
                .map(|(label, n)| format!("{label} {}", credits(n)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let faucets = kinds(w.faucets.iter().map(|(f, n)| (f.label(), *n)).collect());
        let sinks = kinds(w.sinks.iter().map(|(s, n)| (s.label(), *n)).collect());
        if !faucets.is_empty() {
            let _ = writeln!(out, "  {:<12}   in:  {faucets}", "");
        }
        if !sinks.is_empty() {
            let _ = writeln!(out, "  {:<12}   out: {sinks}", "");
        }
    }
    let _ = writeln!(out, "\n  faucets (into circulation)        period total");
    for f in Faucet::ALL {
        let n = m.faucets.get(&f).copied().unwrap_or_default();
        let _ = writeln!(out, "    {:<30} {:>12}", f.label(), credits(n));
    }
    let _ = writeln!(out, "  sinks (out of circulation)");
    for s in Sink::ALL {
        let n = m.sinks.get(&s).copied().unwrap_or_default();
        let _ = writeln!(out, "    {:<30} {:>12}", s.label(), credits(n));
    }
    let velocity = m
        .velocity
        .map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
    #[allow(clippy::cast_possible_truncation)] // an average of credits, rounded for reading
    let average = m.average_supply.round() as i64;
    let _ = writeln!(
        out,
        "\nVelocity {velocity}  (member-to-member volume {} / average weekly supply {})",
        credits(m.member_volume),
        credits(average)
    );
}

fn concentration(out: &mut String, report: &Report) {
    let c = &report.concentration;
    let _ = writeln!(
        out,
        "\nConcentration of members' balances at guild_seq {} ({} holders, {} credits)",
        report.span.last.max(0),
        c.holders,
        credits(c.total)
    );
    if let Some((top, balance)) = c.top.first() {
        let _ = writeln!(
            out,
            "  top holder          member {top} holds {} ({})",
            credits(*balance),
            percent(c.top1_share)
        );
    }
    let _ = writeln!(
        out,
        "  top 10 % of holders {} member(s) hold {}\n  Gini                {:.3}",
        c.top_decile_holders,
        percent(c.top_decile_share),
        c.gini
    );
    if !c.top.is_empty() {
        let largest = c
            .top
            .iter()
            .map(|(who, balance)| format!("{who}: {}", credits(*balance)))
            .collect::<Vec<_>>()
            .join(" · ");
        let _ = writeln!(out, "  largest holders     {largest}");
    }
}

fn flags(out: &mut String, flags: &[Flag]) {
    if flags.is_empty() {
        let _ = writeln!(out, "\nFraud flags: none");
        return;
    }
    let _ = writeln!(out, "\nFraud flags: {}", flags.len());
    for f in flags {
        let seqs = f
            .seqs
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "  FLAG {}: {}\n       events: guild_seq {seqs}",
            f.rule.code(),
            f.detail
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{Period, analyze};
    use super::*;
    use studio_schema::GuildId;

    #[test]
    fn credits_read_with_thousands_separators() {
        assert_eq!(credits(0), "0");
        assert_eq!(credits(999), "999");
        assert_eq!(credits(1_234_567), "1,234,567");
        assert_eq!(credits(-1500), "-1,500");
    }

    #[test]
    fn the_text_names_every_section_and_cites_each_flag_s_events() {
        let events = Log::new()
            .at(days(0), grant(ADMIN, ADMIN, 500))
            .at(days(1), grant(ADMIN, ALICE, 1500))
            .events();
        let text = text(&analyze(GuildId(7), &events, Period::default()));
        for part in [
            "Economy report for guild 7",
            "guild_seq 1..=2",
            "at end           2,000",
            "2026-01-05",
            "admin grants 2,000",
            "tournament prizes",
            "marketplace taxes",
            "Velocity 0.00",
            "Gini",
            "Fraud flags: 1",
            "FLAG admin-circle-grant",
            "events: guild_seq 1\n",
        ] {
            assert!(text.contains(part), "{part:?} in\n{text}");
        }
    }
}
