//! `embed_migrations!` reads the migrations folder at compile time; tell cargo to rebuild this
//! crate when a migration is added or changed (diesel's documented build script).
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
