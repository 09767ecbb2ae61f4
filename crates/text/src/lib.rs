//! Read: the text layer. (Being written.)
