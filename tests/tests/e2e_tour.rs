//! The newcomer's tour (issue 13): in the local Discord of `scripts/run`, the simulated members
//! of "Indie Devs" use every feature once through the Discord protocol, and each step gets the
//! bot's answer. Played here 50 times faster than a newcomer sees it, against the real services;
//! then the log holds every feature's events, bob's purchase reached only him, and Discord saw
//! no protocol violation.

mod common;

use common::*;
use studio_tests::{
    community::{self, GENERAL_ID, GUILD_ID},
    tour::{self, act::Stage},
};

#[tokio::test]
async fn the_simulated_members_use_every_feature_in_the_tour() {
    let (guild, cast) = community::indie_devs();
    let nats_url = std::env::var("NATS_URL").expect("NATS_URL must point at NATS with JetStream");
    let stack = Stack::start_with(
        guild,
        nats_url,
        studio_tests::nats_users::NatsUsers::from_env(),
    )
    .await;
    let services = stack.services().await;
    let stage = Stage {
        fake: stack.discord.clone(),
        guild: GUILD_ID,
        channel: GENERAL_ID,
    };
    let cast = tour::Cast::find(&cast.present).expect("the community has the tour's cast");
    let started = std::time::Instant::now();
    let steps = tour::run(&stage, &cast, 50.0).await;
    eprintln!("the tour took {:?} at speed 50", started.elapsed());

    let failed: Vec<_> = steps.iter().filter(|s| s.outcome.is_err()).collect();
    assert!(failed.is_empty(), "steps that failed: {failed:#?}");
    assert_eq!(steps.len(), 15, "{steps:#?}");

    stack.projected().await;
    for event in [
        "CreditsGranted",
        "ListingCreated",
        "ListingPurchased",
        "ListingReviewed",
        "CreditsTransferred",
        "ReputationGiven",
        "TeamCreated",
        "TeamMembershipChanged",
        "TeamWalletMoved",
        "CommissionOffered",
        "CommissionAccepted",
        "CommissionFunded",
        "CommissionDelivered",
        "CommissionSettled",
        "TournamentCreated",
        "TournamentEntered",
        "TournamentPaid",
        "QuestClaimed",
    ] {
        let n = stack
            .scalar(&format!(
                "SELECT count(*) FROM event_log WHERE event_type = '{event}'"
            ))
            .await;
        assert!(n >= 1, "the tour shows {event}, but the log has none");
    }
    // The code of alice's listing reached bob alone (his private answer and his DM), in no
    // public message.
    let bob = cast.bob.member.user_id;
    let code = "pub fn astar(";
    let carrying: Vec<_> = stack
        .discord
        .sent_messages()
        .into_iter()
        .filter(|m| m.text().contains(code))
        .collect();
    assert!(!carrying.is_empty(), "the code was delivered");
    assert!(
        carrying
            .iter()
            .all(|m| (m.ephemeral() && m.interaction_user == Some(bob)) || m.is_dm_to == Some(bob)),
        "only bob sees the code: {carrying:#?}"
    );
    assert_eq!(stack.discord.violations(), Vec::<String>::new());
    stack.assert_log_sound().await;
    drop(services);
    stack.finish().await;
}
