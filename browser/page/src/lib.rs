//! placeholder
#[unsafe(no_mangle)]
pub extern "C" fn probe() -> u32 { 1 }
