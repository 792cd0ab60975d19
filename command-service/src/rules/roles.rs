//! Which roles Studio may hand out, and who may choose them: the one rule against a confused deputy.
//!
//! Studio gives the roles `/settings prodev-role` and `/settings rank-role` name to every member of
//! a rank, with its own permission, and takes the one they replace from everyone who holds it. So a
//! role it hands out must be one Discord lets it give (below its highest role, not managed by an
//! integration, not @everyone), and the admin who chooses it must be able to give it themselves: the
//! guild's owner, or a member with Manage Roles (or Administrator) whose highest role is above it.
//! The same admin must be able to take the role a change replaces or clears. Discord's facts are
//! read over REST just before the command is decided ([`crate::discord::role_facts`]); this rule
//! only reads them.

use serde::{Deserialize, Serialize};

/// A role as Discord lists it in the guild.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuildRole {
    pub id: i64,
    pub position: i64,
    /// Held by an integration (a bot's own role, a booster or subscription role): nobody hands it out.
    pub managed: bool,
}

/// What Discord said about the guild's roles when the command was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuildRoles {
    /// The guild's id, which is also its @everyone role's.
    pub guild: i64,
    pub owner: i64,
    pub roles: Vec<GuildRole>,
    /// The roles of Studio's own member in the guild.
    pub bot_roles: Vec<i64>,
}

impl GuildRoles {
    fn role(&self, id: i64) -> Option<&GuildRole> {
        self.roles.iter().find(|r| r.id == id)
    }

    /// The position of the highest of `held` (0, @everyone's, for none).
    fn top(&self, held: &[i64]) -> i64 {
        held.iter()
            .filter_map(|id| self.role(*id))
            .map(|r| r.position)
            .max()
            .unwrap_or(0)
    }
}

/// The admin choosing the role, as their interaction shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chooser {
    pub user: i64,
    pub roles: Vec<i64>,
    pub manage_roles: bool,
    pub administrator: bool,
}

/// An admin's change of the roles Studio hands out: who they are, and what Discord says about the
/// guild's roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleFacts {
    pub chooser: Chooser,
    /// `None` until Discord was asked, and when it could not be.
    pub guild: Option<GuildRoles>,
}

/// Why a role cannot be handed out by Studio, or chosen by this admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RoleRefusal {
    #[error(
        "I couldn't check that role with Discord right now, so nothing changed. Please try again in a moment."
    )]
    Unchecked,
    #[error("@everyone is every member's role: Studio does not hand it out. Choose another role.")]
    Everyone,
    #[error("That role is not in this server. Choose another role.")]
    Unknown,
    #[error(
        "<@&{0}> is managed by an integration (a bot, boosts or a subscription): nobody can hand it out. Choose another role."
    )]
    Managed(i64),
    #[error(
        "<@&{0}> is not below Studio's highest role, so Studio cannot hand it out. Choose a lower role, or move Studio's role above it in Server Settings → Roles."
    )]
    AboveStudio(i64),
    #[error(
        "Choosing a role Studio hands out needs the Manage Roles permission: you could not give <@&{0}> yourself."
    )]
    NeedsManageRoles(i64),
    #[error(
        "<@&{0}> is not below your highest role: you could not give it yourself, so Studio will not give it for you."
    )]
    AboveChooser(i64),
    #[error(
        "Changing a role Studio hands out needs the Manage Roles permission: you could not take <@&{0}> from members yourself."
    )]
    TakeNeedsManageRoles(i64),
    #[error(
        "<@&{0}> is not below your highest role: you could not take it from members yourself, so Studio will not take it for you."
    )]
    TakeAboveChooser(i64),
}

/// Whether Studio may hand out `id` at its chooser's word.
///
/// # Errors
/// The first reason it may not, checked in this order: Discord's facts are missing; the role is
/// @everyone, unknown, managed, or not below Studio's highest role; the chooser is not the owner and
/// has neither Manage Roles nor Administrator, or their highest role is not above it.
pub fn may_hand_out(id: i64, facts: Option<&RoleFacts>) -> Result<(), RoleRefusal> {
    let Some((chooser, guild)) = facts.and_then(|f| Some((&f.chooser, f.guild.as_ref()?))) else {
        return Err(RoleRefusal::Unchecked);
    };
    if id == guild.guild {
        return Err(RoleRefusal::Everyone);
    }
    let role = guild.role(id).ok_or(RoleRefusal::Unknown)?;
    if role.managed {
        return Err(RoleRefusal::Managed(id));
    }
    if guild.top(&guild.bot_roles) <= role.position {
        return Err(RoleRefusal::AboveStudio(id));
    }
    if chooser.user == guild.owner {
        return Ok(());
    }
    if !(chooser.manage_roles || chooser.administrator) {
        return Err(RoleRefusal::NeedsManageRoles(id));
    }
    if guild.top(&chooser.roles) <= role.position {
        return Err(RoleRefusal::AboveChooser(id));
    }
    Ok(())
}

/// Whether Studio may take `id` (the role a change replaces or clears) from the members who hold it
/// at its chooser's word. A role the guild no longer has is nothing to take.
///
/// # Errors
/// Discord's facts are missing; the chooser is not the owner and has neither Manage Roles nor
/// Administrator, or their highest role is not above the role.
pub fn may_take_away(id: i64, facts: Option<&RoleFacts>) -> Result<(), RoleRefusal> {
    let Some((chooser, guild)) = facts.and_then(|f| Some((&f.chooser, f.guild.as_ref()?))) else {
        return Err(RoleRefusal::Unchecked);
    };
    let Some(role) = guild.role(id) else {
        return Ok(());
    };
    if chooser.user == guild.owner {
        return Ok(());
    }
    if !(chooser.manage_roles || chooser.administrator) {
        return Err(RoleRefusal::TakeNeedsManageRoles(id));
    }
    if guild.top(&chooser.roles) <= role.position {
        return Err(RoleRefusal::TakeAboveChooser(id));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUILD: i64 = 1;
    const OWNER: i64 = 2;
    const ADMIN: i64 = 3;
    /// Positions: member 1, pro-dev 2, Studio's role 5 (managed), moderator 7, booster 3 (managed).
    const MEMBER: i64 = 11;
    const PRO_DEV: i64 = 12;
    const STUDIO: i64 = 15;
    const MODERATOR: i64 = 17;
    const BOOSTER: i64 = 13;

    fn guild() -> GuildRoles {
        let role = |id, position, managed| GuildRole {
            id,
            position,
            managed,
        };
        GuildRoles {
            guild: GUILD,
            owner: OWNER,
            roles: vec![
                role(GUILD, 0, false),
                role(MEMBER, 1, false),
                role(PRO_DEV, 2, false),
                role(BOOSTER, 3, true),
                role(STUDIO, 5, true),
                role(MODERATOR, 7, false),
            ],
            bot_roles: vec![STUDIO],
        }
    }

    fn facts(user: i64, roles: &[i64], manage_roles: bool) -> RoleFacts {
        RoleFacts {
            chooser: Chooser {
                user,
                roles: roles.to_vec(),
                manage_roles,
                administrator: false,
            },
            guild: Some(guild()),
        }
    }

    fn check(role: i64, user: i64, roles: &[i64], manage_roles: bool) -> Result<(), RoleRefusal> {
        may_hand_out(role, Some(&facts(user, roles, manage_roles)))
    }

    #[test]
    fn an_admin_who_could_give_the_role_may_choose_it() {
        assert_eq!(check(PRO_DEV, ADMIN, &[MODERATOR], true), Ok(()));
        let mut administrator = facts(ADMIN, &[PRO_DEV], false);
        administrator.chooser.administrator = true;
        assert_eq!(may_hand_out(MEMBER, Some(&administrator)), Ok(()));
    }

    #[test]
    fn the_owner_needs_neither_manage_roles_nor_a_higher_role() {
        assert_eq!(check(PRO_DEV, OWNER, &[], false), Ok(()));
        assert_eq!(
            may_take_away(PRO_DEV, Some(&facts(OWNER, &[], false))),
            Ok(())
        );
    }

    #[test]
    fn without_discords_facts_nothing_is_decided() {
        let mut unchecked = facts(OWNER, &[], true);
        unchecked.guild = None;
        for facts in [Some(&unchecked), None] {
            assert_eq!(may_hand_out(PRO_DEV, facts), Err(RoleRefusal::Unchecked));
            assert_eq!(may_take_away(PRO_DEV, facts), Err(RoleRefusal::Unchecked));
        }
    }

    #[test]
    fn roles_studio_cannot_hand_out_are_refused_even_to_the_owner() {
        for (role, refusal) in [
            (GUILD, RoleRefusal::Everyone),
            (99, RoleRefusal::Unknown),
            (BOOSTER, RoleRefusal::Managed(BOOSTER)),
            (STUDIO, RoleRefusal::Managed(STUDIO)),
            (MODERATOR, RoleRefusal::AboveStudio(MODERATOR)),
        ] {
            assert_eq!(check(role, OWNER, &[], true), Err(refusal));
        }
    }

    #[test]
    fn a_role_at_studios_own_position_is_not_below_it() {
        let mut g = guild();
        g.roles.push(GuildRole {
            id: 20,
            position: 5,
            managed: false,
        });
        let mut level = facts(OWNER, &[], true);
        level.guild = Some(g);
        assert_eq!(
            may_hand_out(20, Some(&level)),
            Err(RoleRefusal::AboveStudio(20))
        );
    }

    #[test]
    fn an_admin_without_manage_roles_is_refused() {
        assert_eq!(
            check(PRO_DEV, ADMIN, &[MODERATOR], false),
            Err(RoleRefusal::NeedsManageRoles(PRO_DEV))
        );
    }

    #[test]
    fn an_admin_whose_highest_role_is_not_above_it_is_refused() {
        for held in [&[][..], &[MEMBER], &[PRO_DEV], &[MEMBER, PRO_DEV]] {
            assert_eq!(
                check(PRO_DEV, ADMIN, held, true),
                Err(RoleRefusal::AboveChooser(PRO_DEV)),
                "{held:?}"
            );
        }
    }

    #[test]
    fn taking_a_role_away_needs_the_same_standing_as_giving_it() {
        assert_eq!(
            may_take_away(PRO_DEV, Some(&facts(ADMIN, &[MODERATOR], true))),
            Ok(())
        );
        assert_eq!(
            may_take_away(PRO_DEV, Some(&facts(ADMIN, &[MODERATOR], false))),
            Err(RoleRefusal::TakeNeedsManageRoles(PRO_DEV))
        );
        assert_eq!(
            may_take_away(PRO_DEV, Some(&facts(ADMIN, &[PRO_DEV], true))),
            Err(RoleRefusal::TakeAboveChooser(PRO_DEV))
        );
        // A role deleted in Discord since is nothing to take.
        assert_eq!(may_take_away(99, Some(&facts(ADMIN, &[], false))), Ok(()));
    }

    #[test]
    fn the_refusals_name_what_is_wrong() {
        assert!(
            RoleRefusal::NeedsManageRoles(5)
                .to_string()
                .contains("Manage Roles")
        );
        assert!(
            RoleRefusal::AboveStudio(5)
                .to_string()
                .contains("Studio's highest role")
        );
        assert!(
            RoleRefusal::AboveChooser(5)
                .to_string()
                .contains("your highest role")
        );
        assert!(
            RoleRefusal::Unchecked
                .to_string()
                .contains("couldn't check that role")
        );
    }
}
