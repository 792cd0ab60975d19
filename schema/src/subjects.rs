//! NATS names shared by the gateway worker, the command service and the projector.
//!
//! Every name takes a prefix (`STUDIO_NATS_PREFIX`, empty in production) so tests and several
//! deployments can share one NATS server without seeing each other's traffic.

/// How long the gateway stream keeps a dispatch: 5 minutes.
///
/// The stream holds what Discord sends, raw: interaction tokens (which let whoever holds one answer as
/// the bot for 15 minutes) and modal submissions (the code of a `/sell`). They stay only as long as
/// the command service may still need them. It reads each partition in order and commits its position
/// in Postgres with what it decided, within moments of receipt; an interaction older than Discord's
/// 3-second window is never carried out, so only messages, reactions and joins are ever applied late,
/// after the command service (or Postgres) was down. Five minutes covers a crash, a restart, a deploy
/// or a Postgres failover; dispatches a longer outage leaves behind expire unapplied, and the owner
/// that takes the partition next (or the owner that fell behind, taking it again) records the gap in
/// `intake_rejected` and its log (see `check_retention` and `catch_up` in
/// command-service/src/partition/batch.rs). It stays above the two-minute duplicate window, as
/// JetStream requires.
pub const GATEWAY_RETENTION: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// The NATS names of one deployment.
#[derive(Clone, Debug)]
pub struct Subjects {
    prefix: String,
    partitions: u64,
}

impl Subjects {
    /// `prefix` may be empty; otherwise it must be a NATS token (letters, digits, `_`, `-`).
    #[must_use]
    pub fn new(prefix: &str, partitions: u64) -> Self {
        Self {
            prefix: prefix.to_owned(),
            partitions: partitions.max(1),
        }
    }

    fn dotted(&self) -> String {
        if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}.", self.prefix)
        }
    }

    /// The JetStream stream holding gateway traffic.
    #[must_use]
    pub fn gateway_stream(&self) -> String {
        if self.prefix.is_empty() {
            "DISCORD_GATEWAY".to_owned()
        } else {
            format!("DISCORD_GATEWAY_{}", self.prefix.replace('-', "_"))
        }
    }

    /// All gateway subjects, for the stream definition.
    #[must_use]
    pub fn gateway_wildcard(&self) -> String {
        format!("{}discord.gateway.>", self.dotted())
    }

    /// The subjects of one partition, for a command-service replica's consumer filter.
    #[must_use]
    pub fn gateway_partition_filter(&self, partition: u64) -> String {
        format!("{}discord.gateway.{partition}.*", self.dotted())
    }

    /// The partition of a guild; events without a guild (DMs) go to partition 0.
    #[must_use]
    pub fn partition_of(&self, guild_id: Option<u64>) -> u64 {
        guild_id.map_or(0, |g| g % self.partitions)
    }

    /// `discord.gateway.<partition>.<EVENT_TYPE>`.
    #[must_use]
    pub fn gateway_subject(&self, guild_id: Option<u64>, event_type: &str) -> String {
        format!(
            "{}discord.gateway.{}.{event_type}",
            self.dotted(),
            self.partition_of(guild_id)
        )
    }

    /// Core-NATS notice published after each committed append (see [`crate::notice`]).
    #[must_use]
    pub fn appended_notice(&self) -> String {
        format!("{}studio.log.appended", self.dotted())
    }

    /// Core-NATS notice published by the projector after each applied batch.
    #[must_use]
    pub fn projected_notice(&self) -> String {
        format!("{}studio.views.projected", self.dotted())
    }

    /// The JetStream stream definition for gateway traffic. The gateway worker and the command
    /// service both create it if missing, with this one definition. Duplicates by `Nats-Msg-Id` are
    /// dropped within two minutes (a resumed gateway session re-sending events); a dispatch is kept
    /// [`GATEWAY_RETENTION`].
    #[must_use]
    pub fn gateway_stream_config(&self) -> async_nats::jetstream::stream::Config {
        async_nats::jetstream::stream::Config {
            name: self.gateway_stream(),
            subjects: vec![self.gateway_wildcard()],
            storage: async_nats::jetstream::stream::StorageType::File,
            duplicate_window: std::time::Duration::from_secs(120),
            max_age: GATEWAY_RETENTION,
            ..Default::default()
        }
    }

    /// The number of partitions.
    #[must_use]
    pub fn partitions(&self) -> u64 {
        self.partitions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_follow_the_brief_and_carry_the_prefix() {
        let plain = Subjects::new("", 1);
        assert_eq!(
            plain.gateway_subject(Some(42), "MESSAGE_CREATE"),
            "discord.gateway.0.MESSAGE_CREATE"
        );
        let test = Subjects::new("t1", 4);
        assert_eq!(
            test.gateway_subject(Some(42), "INTERACTION_CREATE"),
            "t1.discord.gateway.2.INTERACTION_CREATE"
        );
        assert_eq!(test.gateway_stream(), "DISCORD_GATEWAY_t1");
        assert_eq!(
            test.gateway_subject(None, "READY"),
            "t1.discord.gateway.0.READY"
        );
    }

    #[test]
    fn dispatches_are_kept_minutes_not_days() {
        let config = Subjects::new("", 1).gateway_stream_config();
        assert_eq!(config.max_age, std::time::Duration::from_secs(300));
        assert!(config.duplicate_window <= config.max_age);
    }
}
