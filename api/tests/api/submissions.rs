//! Submission API tests are added in the next commit.
