//! Detect: aberration detection. (Being written.)
