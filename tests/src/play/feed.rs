//! What a member sees: #general's recent messages (what members said and what the bot posted
//! there, answers to other members' commands included but their private ones not), and the bot's
//! direct messages to them. Bot messages in their latest state (edits applied, deleted ones gone).

use super::Play;
use crate::{MemberMessage, SentMessage};

/// How many channel entries a page shows.
const CHANNEL_SHOWN: usize = 60;
/// How many DMs a page shows.
const DMS_SHOWN: usize = 20;

/// One thing in the channel.
pub(crate) enum Entry {
    Said(MemberMessage),
    Bot(Box<SentMessage>),
}

impl Entry {
    fn id(&self) -> u64 {
        match self {
            Entry::Said(m) => m.id,
            Entry::Bot(m) => m.id,
        }
    }
}

/// Whether `user` sees bot message `m` in channel `channel`: posted there, and public or the
/// private answer to their own interaction.
fn in_channel_for(m: &SentMessage, channel: u64, user: u64) -> bool {
    m.channel_id == channel
        && m.is_dm_to.is_none()
        && (!m.ephemeral() || m.interaction_user == Some(user))
}

/// Whether `user` may see bot message `m` on their page (and the files on it).
pub(crate) fn visible_to(play: &Play, m: &SentMessage, user: u64) -> bool {
    in_channel_for(m, play.channel, user) || m.is_dm_to == Some(user)
}

/// The channel as `user` sees it, oldest first.
pub(crate) fn channel(play: &Play, user: u64) -> Vec<Entry> {
    let channel = play.channel;
    let mut entries: Vec<Entry> = play
        .fake
        .messages_where(|m| in_channel_for(m, channel, user))
        .into_iter()
        .map(|m| Entry::Bot(Box::new(m)))
        .collect();
    entries.extend(
        play.fake
            .member_messages()
            .into_iter()
            .filter(|m| m.channel_id == channel)
            .map(Entry::Said),
    );
    // Snowflakes order by time.
    entries.sort_by_key(Entry::id);
    let skip = entries.len().saturating_sub(CHANNEL_SHOWN);
    entries.split_off(skip)
}

/// The bot's direct messages to `user`, oldest first.
pub(crate) fn dms(play: &Play, user: u64) -> Vec<SentMessage> {
    let mut dms = play.fake.messages_where(|m| m.is_dm_to == Some(user));
    let skip = dms.len().saturating_sub(DMS_SHOWN);
    dms.split_off(skip)
}
