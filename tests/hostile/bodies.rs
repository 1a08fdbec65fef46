//! Hostile source bodies: HTML that costs time to sanitise, meeting join details that must not be stored.
