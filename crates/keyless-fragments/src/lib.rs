//! Fragment-combining crypto core: blinded verifiable partials, item keys, sealed envelopes.
