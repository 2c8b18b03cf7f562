//! Shared helpers for the black-box and contract tests.
