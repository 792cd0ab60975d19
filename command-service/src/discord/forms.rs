//! The modals Studio opens: selling or editing a listing, reviewing or disputing a purchase.

use super::custom_id::{Form, field};
use crate::rules::economy as rules;
use studio_views::market::ListingSummary;
use twilight_model::channel::message::Component;
use twilight_model::channel::message::component::{
    Label, SelectMenu, SelectMenuOption, SelectMenuType, TextInput, TextInputStyle,
};
use twilight_model::http::interaction::InteractionResponse;
use twilight_util::builder::interaction_response::ModalBuilder;

/// Discord's modal title limit.
const TITLE_LIMIT: usize = 45;

struct Input<'a> {
    id: &'a str,
    label: &'a str,
    max: usize,
    long: bool,
    value: Option<String>,
    placeholder: &'a str,
}

fn input(i: Input<'_>) -> Component {
    #[allow(deprecated)]
    let text = TextInput {
        custom_id: i.id.to_owned(),
        id: None,
        label: None,
        max_length: Some(u16::try_from(i.max).unwrap_or(u16::MAX)),
        min_length: Some(1),
        placeholder: (!i.placeholder.is_empty()).then(|| i.placeholder.to_owned()),
        required: Some(true),
        style: if i.long {
            TextInputStyle::Paragraph
        } else {
            TextInputStyle::Short
        },
        value: i.value.map(|v| v.chars().take(i.max).collect()),
    };
    Component::Label(Label {
        component: Box::new(Component::TextInput(text)),
        description: None,
        id: None,
        label: i.label.to_owned(),
    })
}

/// The primary role, picked from a menu of [`crate::rules::profile::ROLES`] (the saved one chosen).
fn role_select(current: Option<&str>) -> Component {
    let options = crate::rules::profile::ROLES
        .iter()
        .map(|role| SelectMenuOption {
            default: current == Some(*role),
            description: None,
            emoji: None,
            label: (*role).to_owned(),
            value: (*role).to_owned(),
        })
        .collect();
    Component::Label(Label {
        component: Box::new(Component::SelectMenu(SelectMenu {
            channel_types: None,
            custom_id: field::ROLE.to_owned(),
            default_values: None,
            disabled: false,
            id: None,
            kind: SelectMenuType::Text,
            max_values: Some(1),
            min_values: Some(1),
            options: Some(options),
            placeholder: Some("Programmer, Artist, Builder…".to_owned()),
            required: Some(true),
        })),
        description: None,
        id: None,
        label: "Primary role".to_owned(),
    })
}

fn modal(form: Form, title: &str, components: Vec<Component>) -> InteractionResponse {
    ModalBuilder::new(
        form.to_string(),
        super::render::truncate(title, TITLE_LIMIT),
        components,
    )
    .build()
}

/// The `/sell` form, or the edit form of `current` prefilled with its listing and code.
#[must_use]
pub fn listing(current: Option<(&ListingSummary, &str)>) -> InteractionResponse {
    let value = |f: fn(&ListingSummary, &str) -> String| current.map(|(l, c)| f(l, c));
    let components = vec![
        input(Input {
            id: field::TITLE,
            label: "Title",
            max: rules::TITLE_CHARS,
            long: false,
            value: value(|l, _| l.title.clone()),
            placeholder: "A* pathfinding for tile maps",
        }),
        input(Input {
            id: field::DESCRIPTION,
            label: "Description",
            max: rules::DESCRIPTION_CHARS,
            long: true,
            value: value(|l, _| l.description.clone()),
            placeholder: "What it does, how to use it",
        }),
        input(Input {
            id: field::LANGUAGE,
            label: "Language or engine",
            max: rules::LANGUAGE_CHARS,
            long: false,
            value: value(|l, _| l.language.clone()),
            placeholder: "rust, godot, unity, …",
        }),
        input(Input {
            id: field::PRICE,
            label: "Price in credits",
            max: 9,
            long: false,
            value: value(|l, _| l.price.to_string()),
            placeholder: "150",
        }),
        input(Input {
            id: field::CODE,
            label: "The code, or a link to it (buyers only)",
            max: rules::CODE_CHARS,
            long: true,
            value: value(|_, c| c.to_owned()),
            placeholder: "",
        }),
    ];
    match current {
        Some((l, _)) => modal(
            Form::Edit(l.id()),
            &format!("Edit listing #{}", l.listing_id),
            components,
        ),
        None => modal(Form::Sell, "Sell code on the marketplace", components),
    }
}

/// The review form of a purchase.
#[must_use]
pub fn review(listing: &ListingSummary) -> InteractionResponse {
    modal(
        Form::Review(listing.id()),
        &format!("Review #{} {}", listing.listing_id, listing.title),
        vec![
            input(Input {
                id: field::STARS,
                label: "Stars (1 to 5)",
                max: 1,
                long: false,
                value: None,
                placeholder: "5",
            }),
            input(Input {
                id: field::TEXT,
                label: "Your review",
                max: rules::REVIEW_CHARS,
                long: true,
                value: None,
                placeholder: "",
            }),
        ],
    )
}

/// The dispute form of a purchase.
#[must_use]
pub fn dispute(listing: &ListingSummary) -> InteractionResponse {
    modal(
        Form::Dispute(listing.id()),
        &format!("Dispute #{} {}", listing.listing_id, listing.title),
        vec![input(Input {
            id: field::TEXT,
            label: "What is wrong with it?",
            max: rules::NOTE_CHARS,
            long: true,
            value: None,
            placeholder: "",
        })],
    )
}

/// The profile form, prefilled with the saved profile.
#[must_use]
pub fn profile(current: Option<&studio_views::profiles::ProfileSummary>) -> InteractionResponse {
    use crate::rules::profile as rules;
    let value = |f: fn(&studio_views::profiles::ProfileSummary) -> String| current.map(f);
    modal(
        Form::Profile,
        "Your Studio profile",
        vec![
            role_select(current.map(|p| p.role.as_str())),
            input(Input {
                id: field::YEARS,
                label: "Years of experience",
                max: 2,
                long: false,
                value: value(|p| p.years.to_string()),
                placeholder: "3",
            }),
            input(Input {
                id: field::SKILLS,
                label: "Skills",
                max: rules::SKILLS_CHARS,
                long: false,
                value: value(|p| p.skills.clone()),
                placeholder: "Rust, shaders, Godot",
            }),
            input(Input {
                id: field::LINKS,
                label: "Portfolio links (or -)",
                max: rules::LINKS_CHARS,
                long: true,
                value: value(|p| {
                    if p.links.is_empty() {
                        "-".to_owned()
                    } else {
                        p.links.clone()
                    }
                }),
                placeholder: "https://…",
            }),
            input(Input {
                id: field::OPEN,
                label: "Open to work and contact? (yes/no)",
                max: 3,
                long: false,
                value: value(|p| if p.open_to_work { "yes" } else { "no" }.to_owned()),
                placeholder: "yes",
            }),
        ],
    )
}

/// The contact form for a member found with `/find`.
#[must_use]
pub fn contact(member: studio_schema::UserId) -> InteractionResponse {
    modal(
        Form::Contact(member),
        "Contact a member",
        vec![input(Input {
            id: field::TEXT,
            label: "Your message (sent by DM)",
            max: crate::rules::profile::MESSAGE_CHARS,
            long: true,
            value: None,
            placeholder: "Hi! I am looking for …",
        })],
    )
}

/// The team creation form.
#[must_use]
pub fn team(fee: i64) -> InteractionResponse {
    use crate::rules::team as rules;
    modal(
        Form::Team,
        &format!("Create a team ({fee} credits)"),
        vec![
            input(Input {
                id: field::NAME,
                label: "Team name",
                max: rules::NAME_CHARS,
                long: false,
                value: None,
                placeholder: "Pixel Pirates",
            }),
            input(Input {
                id: field::DESCRIPTION,
                label: "What you are making",
                max: rules::DESCRIPTION_CHARS,
                long: true,
                value: None,
                placeholder: "A co-op roguelike for the spring jam",
            }),
            input(Input {
                id: field::OPEN,
                label: "Open to everyone? (yes/no; no: invite only)",
                max: 3,
                long: false,
                value: Some("yes".into()),
                placeholder: "yes",
            }),
        ],
    )
}
