//! The newcomer's tour: right after the bot connects, the simulated members of "Indie Devs" use
//! every feature once, in an order that tells a story, a few seconds apart (about 100 s at speed
//! 1): an admin grants credits, alice sells code, bob buys it (the code arrives privately), reviews
//! it and tips her, carol thanks alice with reputation and claims her daily quest, dave founds a
//! team that alice joins and dave funds its wallet, alice hires dave through a commission held in
//! escrow, erin runs a tournament, and alice shows her rank card. Each step goes through the same
//! Discord protocol a member's client speaks, and waits for the bot's answer.

pub mod act;

use crate::community::{SimMember, say};
use act::{Seen, Stage, int, number_after, sub, text, user};
use serde_json::json;
use std::time::Duration;

/// One step of the tour and how it went.
#[derive(Clone, Debug)]
pub struct Step {
    pub name: &'static str,
    pub outcome: Result<(), String>,
}

/// The members the tour casts, by their parts.
pub struct Cast {
    /// Sells code, joins a team, hires a developer, shows her rank card.
    pub alice: SimMember,
    /// Buys, reviews, tips.
    pub bob: SimMember,
    /// Gives reputation and claims a daily quest.
    pub carol: SimMember,
    /// Founds a team and takes a commission.
    pub dave: SimMember,
    /// The admin: grants credits and runs a tournament.
    pub erin: SimMember,
}

impl Cast {
    /// The cast from the members present, by username; `None` if one is missing.
    pub fn find(present: &[SimMember]) -> Option<Cast> {
        let find = |name: &str| present.iter().find(|m| m.member.username == name).cloned();
        Some(Cast {
            alice: find("alice")?,
            bob: find("bob")?,
            carol: find("carol")?,
            dave: find("dave")?,
            erin: find("erin")?,
        })
    }
}

/// What the tour has learned so far: the numbers the bot gave things.
#[derive(Default)]
struct Made {
    listing: Option<i64>,
    team: Option<i64>,
    commission: Option<i64>,
    tournament: Option<i64>,
}

type Outcome = Result<(), String>;

/// Plays the tour once, `speed` times faster than at 1.0; returns every step's outcome.
pub async fn run(stage: &Stage, cast: &Cast, speed: f64) -> Vec<Step> {
    let pause = |secs: f64| tokio::time::sleep(Duration::from_secs_f64(secs / speed.max(0.01)));
    let mut made = Made::default();
    let mut steps = Vec::new();
    say("── the tour: every feature of Studio once, a few seconds apart ──");
    macro_rules! step {
        ($name:literal, $scene:expr) => {{
            let outcome: Outcome = $scene.await;
            match &outcome {
                Ok(()) => say(concat!("   ✔ ", $name)),
                Err(why) => say(&format!("   ✖ {}: {why}", $name)),
            }
            steps.push(Step {
                name: $name,
                outcome,
            });
            pause(6.0).await;
        }};
    }
    step!("an admin grants credits", grants(stage, cast));
    step!("carol looks at her daily quest", daily(stage, cast));
    step!("alice sells code", sell(stage, cast, &mut made));
    step!(
        "bob buys it and the code arrives privately",
        buy(stage, cast, &made)
    );
    step!("bob reviews it", review(stage, cast, &made));
    step!("bob pays alice a tip", pay(stage, cast));
    step!("carol gives alice reputation", reputation(stage, cast));
    step!("dave founds a team", found_team(stage, cast, &mut made));
    step!(
        "alice joins and dave funds the team wallet",
        fund_team(stage, cast, &made)
    );
    step!(
        "alice hires dave through a commission",
        commission(stage, cast, &mut made)
    );
    step!(
        "dave delivers and alice releases the escrow",
        deliver(stage, cast, &made)
    );
    step!(
        "erin opens a tournament",
        open_tournament(stage, cast, &mut made)
    );
    step!(
        "alice and bob enter, erin names the winners",
        finish_tournament(stage, cast, &made)
    );
    step!(
        "carol completes and claims her quest",
        claim_quest(stage, cast)
    );
    step!("alice shows her rank card", rank_card(stage, cast));
    let failed = steps.iter().filter(|s| s.outcome.is_err()).count();
    say(&format!(
        "── tour done: {} steps, {failed} failed; the community carries on ──",
        steps.len()
    ));
    steps
}

/// The answer's text must contain `want`.
fn expect(seen: Seen, want: &str) -> Result<String, String> {
    let text = seen.message()?.text();
    if text.contains(want) {
        Ok(text)
    } else {
        Err(format!("expected {want:?} in {text:?}"))
    }
}

async fn grants(stage: &Stage, cast: &Cast) -> Outcome {
    for (who, amount) in [(&cast.alice, 600), (&cast.bob, 800), (&cast.dave, 300)] {
        let options = sub(
            "grant",
            vec![
                user("member", who),
                int("amount", amount),
                text("reason", "game jam prize"),
            ],
        );
        let shown = format!(
            "/credits grant member:@{} amount:{amount} reason:\"game jam prize\"",
            who.member.username
        );
        expect(
            stage.slash(&cast.erin, "credits", options, &shown).await?,
            "Granted",
        )?;
    }
    Ok(())
}

async fn daily(stage: &Stage, cast: &Cast) -> Outcome {
    expect(
        stage
            .slash(&cast.carol, "daily", json!([]), "/daily")
            .await?,
        "quest",
    )
    .map(drop)
}

async fn sell(stage: &Stage, cast: &Cast, made: &mut Made) -> Outcome {
    let form = stage
        .slash(&cast.alice, "sell", json!([]), "/sell")
        .await?
        .form()?;
    let fields = [
        ("title", "Grid A* pathfinding"),
        ("description", "Fast A* on tile maps, with diagonal moves"),
        ("language", "Rust"),
        ("price", "200"),
        (
            "code",
            "pub fn astar(grid: &Grid, from: Cell, to: Cell) -> Vec<Cell> { todo!() }",
        ),
    ];
    let listed = expect(
        stage.submit(&cast.alice, &form, &fields).await?,
        "Listing #",
    )?;
    made.listing = number_after(&listed, "Listing #");
    made.listing
        .map(drop)
        .ok_or_else(|| "no listing number".to_owned())
}

fn need(number: Option<i64>, what: &str) -> Result<i64, String> {
    number.ok_or_else(|| format!("no {what} (an earlier step failed)"))
}

async fn buy(stage: &Stage, cast: &Cast, made: &Made) -> Outcome {
    let listing = need(made.listing, "listing")?;
    let shop = stage
        .slash(&cast.bob, "shop", json!([]), "/shop")
        .await?
        .message()?;
    let receipt = stage
        .click(&cast.bob, &shop, &format!("Buy #{listing} "))
        .await?;
    expect(receipt, "You bought").map(drop)
}

async fn review(stage: &Stage, cast: &Cast, made: &Made) -> Outcome {
    let listing = need(made.listing, "listing")?;
    let shop = stage
        .slash(&cast.bob, "shop", json!([]), "/shop")
        .await?
        .message()?;
    let history = stage.click(&cast.bob, &shop, "History").await?.message()?;
    let form = stage
        .click(&cast.bob, &history, &format!("Review #{listing}"))
        .await?
        .form()?;
    let fields = [("stars", "5"), ("text", "Dropped it in and it just worked")];
    expect(stage.submit(&cast.bob, &form, &fields).await?, "review").map(drop)
}

async fn pay(stage: &Stage, cast: &Cast) -> Outcome {
    let options = json!([
        user("member", &cast.alice),
        int("amount", 50),
        text("note", "thanks for the pathfinding")
    ]);
    let shown = "/pay member:@alice amount:50 note:\"thanks for the pathfinding\"";
    expect(
        stage.slash(&cast.bob, "pay", options, shown).await?,
        "balance",
    )
    .map(drop)
}

async fn reputation(stage: &Stage, cast: &Cast) -> Outcome {
    let options = json!([
        user("member", &cast.alice),
        text("reason", "helped me fix my camera jitter")
    ]);
    let shown = "/rep member:@alice reason:\"helped me fix my camera jitter\"";
    expect(
        stage.slash(&cast.carol, "rep", options, shown).await?,
        "reputation",
    )
    .map(drop)
}

async fn found_team(stage: &Stage, cast: &Cast, made: &mut Made) -> Outcome {
    let board = stage
        .slash(&cast.dave, "teams", json!([]), "/teams")
        .await?
        .message()?;
    let form = stage
        .click(&cast.dave, &board, "Create team")
        .await?
        .form()?;
    let fields = [
        ("name", "Night Owls"),
        ("description", "A cozy farming sim, made at night"),
        ("open", "yes"),
    ];
    let created = expect(stage.submit(&cast.dave, &form, &fields).await?, "Team #")?;
    made.team = number_after(&created, "Team #");
    made.team
        .map(drop)
        .ok_or_else(|| "no team number".to_owned())
}

async fn fund_team(stage: &Stage, cast: &Cast, made: &Made) -> Outcome {
    let team = need(made.team, "team")?;
    let join = sub("join", vec![int("team", team)]);
    let shown = format!("/team join team:{team}");
    expect(
        stage.slash(&cast.alice, "team", join, &shown).await?,
        "joined",
    )?;
    let deposit = sub(
        "deposit",
        vec![
            int("team", team),
            int("amount", 100),
            text("note", "asset store budget"),
        ],
    );
    let shown = format!("/team deposit team:{team} amount:100 note:\"asset store budget\"");
    stage
        .slash(&cast.dave, "team", deposit, &shown)
        .await?
        .message()
        .map(drop)
}

/// `/commission <name> id:<commission>` by `who`.
async fn commission_step(
    stage: &Stage,
    who: &SimMember,
    name: &str,
    id: i64,
) -> Result<String, String> {
    let shown = format!("/commission {name} id:{id}");
    let answer = stage
        .slash(who, "commission", sub(name, vec![int("id", id)]), &shown)
        .await?;
    Ok(answer.message()?.text())
}

async fn commission(stage: &Stage, cast: &Cast, made: &mut Made) -> Outcome {
    let offer = sub(
        "offer",
        vec![
            user("developer", &cast.dave),
            int("amount", 300),
            int("deadline_days", 7),
            text("description", "A level editor for the jam game"),
        ],
    );
    let shown = "/commission offer developer:@dave amount:300 deadline_days:7 description:\"A level editor for the jam game\"";
    let offered = expect(
        stage.slash(&cast.alice, "commission", offer, shown).await?,
        "Commission #",
    )?;
    let id =
        number_after(&offered, "Commission #").ok_or_else(|| "no commission number".to_owned())?;
    made.commission = Some(id);
    commission_step(stage, &cast.dave, "accept", id).await?;
    let funded = commission_step(stage, &cast.alice, "fund", id).await?;
    if funded.contains("fee") {
        Ok(())
    } else {
        Err(format!("not funded: {funded:?}"))
    }
}

async fn deliver(stage: &Stage, cast: &Cast, made: &Made) -> Outcome {
    let id = need(made.commission, "commission")?;
    commission_step(stage, &cast.dave, "deliver", id).await?;
    commission_step(stage, &cast.alice, "release", id)
        .await
        .map(drop)
}

async fn open_tournament(stage: &Stage, cast: &Cast, made: &mut Made) -> Outcome {
    let create = sub(
        "create",
        vec![
            text("name", "Winter jam"),
            int("prize", 600),
            int("days", 7),
        ],
    );
    let shown = "/tournament create name:\"Winter jam\" prize:600 days:7";
    let opened = expect(
        stage.slash(&cast.erin, "tournament", create, shown).await?,
        "Tournament #",
    )?;
    made.tournament = number_after(&opened, "Tournament #");
    made.tournament
        .map(drop)
        .ok_or_else(|| "no tournament number".to_owned())
}

async fn finish_tournament(stage: &Stage, cast: &Cast, made: &Made) -> Outcome {
    let id = need(made.tournament, "tournament")?;
    for who in [&cast.alice, &cast.bob] {
        let shown = format!("/tournament enter id:{id}");
        let enter = sub("enter", vec![int("id", id)]);
        expect(
            stage.slash(who, "tournament", enter, &shown).await?,
            "You entered",
        )?;
    }
    let results = sub(
        "results",
        vec![
            int("id", id),
            user("first", &cast.alice),
            user("second", &cast.bob),
        ],
    );
    let shown = format!("/tournament results id:{id} first:@alice second:@bob");
    expect(
        stage
            .slash(&cast.erin, "tournament", results, &shown)
            .await?,
        "results",
    )
    .map(drop)
}

/// Carol does whatever her quest asks, then claims it from the quest board.
async fn claim_quest(stage: &Stage, cast: &Cast) -> Outcome {
    let board = stage
        .slash(&cast.carol, "daily", json!([]), "/daily")
        .await?
        .message()?;
    let quest = board.text();
    if quest.contains("Claimed.") {
        // A local Discord started again the same day (UTC): today's quest is paid already.
        return Ok(());
    }
    if let Some(n) = number_after(&quest, "Send ") {
        for line in crate::community::LINES
            .iter()
            .cycle()
            .take(usize::try_from(n).unwrap_or(0))
        {
            stage.say(&cast.carol, line);
        }
    } else if quest.contains("Review") {
        carol_reviews(stage, cast).await?;
    } else {
        let options = json!([
            user("member", &cast.carol),
            text("reason", "great playtest notes")
        ]);
        let shown = "/rep member:@carol reason:\"great playtest notes\"";
        stage.slash(&cast.dave, "rep", options, shown).await?;
    }
    for _ in 0..20 {
        let board = stage
            .slash(&cast.carol, "daily", json!([]), "/daily")
            .await?
            .message()?;
        if board.text().contains("Done!") {
            return expect(stage.click(&cast.carol, &board, "Claim").await?, "laimed").map(drop);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err("the quest never showed as done".to_owned())
}

/// Carol, asked to review, buys a cheap snippet of dave's and reviews it.
async fn carol_reviews(stage: &Stage, cast: &Cast) -> Outcome {
    let form = stage
        .slash(&cast.dave, "sell", json!([]), "/sell")
        .await?
        .form()?;
    let fields = [
        ("title", "Tiny tween library"),
        ("description", "Ease-in, ease-out, bounce"),
        ("language", "Rust"),
        ("price", "20"),
        ("code", "pub fn ease_in(t: f32) -> f32 { t * t }"),
    ];
    let listed = expect(stage.submit(&cast.dave, &form, &fields).await?, "Listing #")?;
    let listing =
        number_after(&listed, "Listing #").ok_or_else(|| "no listing number".to_owned())?;
    let carol = &cast.carol;
    let options = sub(
        "grant",
        vec![
            user("member", carol),
            int("amount", 100),
            text("reason", "welcome"),
        ],
    );
    stage
        .slash(
            &cast.erin,
            "credits",
            options,
            "/credits grant member:@carol amount:100 reason:welcome",
        )
        .await?;
    let shop = stage
        .slash(carol, "shop", json!([]), "/shop")
        .await?
        .message()?;
    expect(
        stage
            .click(carol, &shop, &format!("Buy #{listing} "))
            .await?,
        "You bought",
    )?;
    let shop = stage
        .slash(carol, "shop", json!([]), "/shop")
        .await?
        .message()?;
    let history = stage.click(carol, &shop, "History").await?.message()?;
    let form = stage
        .click(carol, &history, &format!("Review #{listing}"))
        .await?
        .form()?;
    let fields = [("stars", "4"), ("text", "Small and handy")];
    stage.submit(carol, &form, &fields).await.map(drop)
}

async fn rank_card(stage: &Stage, cast: &Cast) -> Outcome {
    let profile = stage
        .slash(&cast.alice, "rank", json!([]), "/rank")
        .await?
        .message()?;
    if profile
        .attachments
        .iter()
        .any(|a| a.filename.ends_with(".png"))
    {
        Ok(())
    } else {
        Err(format!("no rank card on {:?}", profile.text()))
    }
}
