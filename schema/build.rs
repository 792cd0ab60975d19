//! Rebuilds the crate when a migration is added, not only when one changes: `sqlx::migrate!` embeds
//! the folder's files, but cargo watches only the files it already embedded.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
