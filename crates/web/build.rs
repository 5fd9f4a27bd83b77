//! Rebuild when a file is added to or removed from `assets/`: the embedded
//! table (rust-embed) and the page templates (askama) are read at compile
//! time, and cargo tracks only the files they already include.
fn main() {
    println!("cargo:rerun-if-changed=assets");
}
