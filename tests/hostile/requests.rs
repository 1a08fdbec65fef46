//! Hostile requests: malformed headers, bodies, tokens and roles.
