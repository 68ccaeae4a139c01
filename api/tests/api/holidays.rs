//! Tests for this area are added in the next commit.
