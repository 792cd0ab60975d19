//! Seasons: what an admin may name one. Which season comes next is the model's
//! (`studio_model::season::Season::next`).

/// Longest season name.
pub const NAME_CHARS: usize = 50;
