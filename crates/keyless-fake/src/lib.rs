//! Fake Akeyless gateway and customer-fragment service for integration tests.
