// The types the UI exchanges with the backend. They are generated from the Rust types into
// bindings.ts (src-tauri/tests/bindings.rs fails when the two drift); import them from here.
export type * from './bindings';
