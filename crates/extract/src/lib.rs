//! Understand. (Being written.)
