//! Worst-case responses: every representation of the largest shares the limits allow stays within 4 MiB as sent.
