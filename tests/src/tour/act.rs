//! How a simulated member acts in the local Discord the way the Discord client does: chat, run
//! a slash command, click a button on a message, fill in a form. Each interaction waits for the
//! bot's answer and returns what the member then sees: a message or a form to fill.

use crate::{FakeDiscord, SentMessage, community::SimMember};
use serde_json::{Value, json};
use std::time::Duration;

/// How long a member waits for an answer before giving up on a step.
const PATIENCE: Duration = Duration::from_secs(15);

/// What the member sees after an interaction.
#[derive(Clone, Debug)]
pub enum Seen {
    /// A message (a new answer, or the clicked message as the bot updated it).
    Message(Box<SentMessage>),
    /// A form (modal): its `data` as the bot sent it.
    Form(Value),
}

impl Seen {
    /// The message, or an error naming the step when the bot opened a form instead.
    pub fn message(self) -> Result<SentMessage, String> {
        match self {
            Seen::Message(m) => Ok(*m),
            Seen::Form(f) => Err(format!("expected a message, got form {}", f["custom_id"])),
        }
    }

    /// The form's custom id, or an error when the bot answered with a message.
    pub fn form(self) -> Result<String, String> {
        match self {
            Seen::Form(f) => f["custom_id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| "a form without a custom id".to_owned()),
            Seen::Message(m) => Err(format!("expected a form, got {:?}", m.text())),
        }
    }
}

/// Where the members act: one guild channel of the local Discord.
#[derive(Clone)]
pub struct Stage {
    pub fake: FakeDiscord,
    pub guild: u64,
    pub channel: u64,
}

impl Stage {
    /// `who` says `text` in the channel.
    pub fn say(&self, who: &SimMember, text: &str) {
        let (_, d) = self
            .fake
            .message_create(self.guild, self.channel, &who.member, text);
        self.fake.dispatch("MESSAGE_CREATE", d);
        crate::community::say(&format!("{}: {text:?}", who.member.username));
    }

    /// `who` runs `/name` with `options` (Discord's `data.options`); `shown` is how it reads.
    pub async fn slash(
        &self,
        who: &SimMember,
        name: &str,
        options: Value,
        shown: &str,
    ) -> Result<Seen, String> {
        let (id, d) = self.fake.slash_command(
            self.guild,
            self.channel,
            &who.member,
            who.permissions,
            name,
            options,
        );
        self.fake.dispatch("INTERACTION_CREATE", d);
        crate::community::say(&format!("{} runs {shown}", who.member.username));
        self.answer(id, shown).await
    }

    /// `who` clicks the first button on `on` whose label contains `label`.
    pub async fn click(
        &self,
        who: &SimMember,
        on: &SentMessage,
        label: &str,
    ) -> Result<Seen, String> {
        let (shown, custom_id) = on
            .buttons()
            .into_iter()
            .find(|(l, _)| l.contains(label))
            .ok_or_else(|| format!("no [{label}] button on {:?}", on.text()))?;
        let (id, d) = self.fake.button_click(
            self.guild,
            self.channel,
            &who.member,
            who.permissions,
            &custom_id,
            Some(on),
        );
        self.fake.dispatch("INTERACTION_CREATE", d);
        crate::community::say(&format!("{} clicks [{shown}]", who.member.username));
        self.answer(id, &shown).await
    }

    /// `who` fills in form `form` (a modal's custom id) with `fields` and submits it.
    pub async fn submit(
        &self,
        who: &SimMember,
        form: &str,
        fields: &[(&str, &str)],
    ) -> Result<Seen, String> {
        let (id, d) = self.fake.modal_submit(
            self.guild,
            self.channel,
            &who.member,
            who.permissions,
            form,
            fields,
        );
        self.fake.dispatch("INTERACTION_CREATE", d);
        let filled: Vec<String> = fields
            .iter()
            .filter(|(name, _)| *name != "code")
            .map(|(name, value)| format!("{name}: {value}"))
            .collect();
        crate::community::say(&format!(
            "{} fills in the form and submits it ({})",
            who.member.username,
            filled.join(", ")
        ));
        self.answer(id, form).await
    }

    /// Waits for the bot's answer to interaction `id`; for a deferred answer, until its edit.
    async fn answer(&self, id: u64, what: &str) -> Result<Seen, String> {
        let seen = self
            .fake
            .wait_for(PATIENCE, |fake| {
                let info = fake.interaction(id)?;
                match info.acked? {
                    9 => fake
                        .callbacks()
                        .into_iter()
                        .rev()
                        .find(|c| c.interaction_id == id && c.status < 300)
                        .map(|c| Seen::Form(c.body["data"].clone())),
                    _ => fake
                        .original_message(id)
                        .filter(|m| !m.text().is_empty() || !m.attachments.is_empty())
                        .map(|m| Seen::Message(Box::new(m))),
                }
            })
            .await;
        seen.ok_or_else(|| format!("no answer to {what} within {PATIENCE:?}"))
    }
}

/// A user option (type 6).
pub fn user(name: &str, who: &SimMember) -> Value {
    json!({"name": name, "type": 6, "value": who.member.user_id.to_string()})
}

/// An integer option (type 4).
pub fn int(name: &str, value: i64) -> Value {
    json!({"name": name, "type": 4, "value": value})
}

/// A string option (type 3).
pub fn text(name: &str, value: &str) -> Value {
    json!({"name": name, "type": 3, "value": value})
}

/// A subcommand (type 1) with its options, as the whole `data.options`.
pub fn sub(name: &str, options: Vec<Value>) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

/// The number right after `marker` in `text` (`"Listing #12 …"` → 12).
pub fn number_after(text: &str, marker: &str) -> Option<i64> {
    let rest = text.split(marker).nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::number_after;

    #[test]
    fn numbers_are_read_after_their_marker() {
        assert_eq!(
            number_after("✅ Listing #12 is on sale", "Listing #"),
            Some(12)
        );
        assert_eq!(number_after("Team #3 **Owls**", "Team #"), Some(3));
        assert_eq!(number_after("no number here", "Team #"), None);
        assert_eq!(number_after("Team #x", "Team #"), None);
    }
}
