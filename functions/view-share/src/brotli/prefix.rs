//! Brotli's bit writer and prefix codes: length-limited Huffman code lengths from symbol counts, and
//! the simple and complex forms that carry them (RFC 7932 §3).

/// Bits packed from the least significant end of each byte (RFC 7932 §1.5.1).
#[derive(Default)]
pub struct BitWriter {
    bytes: Vec<u8>,
    pending: u64,
    pending_bits: u32,
}

/// Where a writer was, to write something else there instead.
#[derive(Clone, Copy)]
pub struct Mark {
    len: usize,
    pending: u64,
    pending_bits: u32,
}

impl BitWriter {
    pub fn with_capacity(bytes: usize) -> Self {
        Self { bytes: Vec::with_capacity(bytes), ..Self::default() }
    }

    /// Writes the low `count` bits of `value`; `count` is at most 56. Not inlined: its copies in
    /// every caller cost more of the binary than the calls cost time.
    #[inline(never)]
    pub fn bits(&mut self, count: u32, value: u64) {
        debug_assert!(count <= 56 && (count == 64 || value >> count == 0));
        self.pending |= value << self.pending_bits;
        self.pending_bits += count;
        while self.pending_bits >= 8 {
            self.bytes.push(self.pending as u8);
            self.pending >>= 8;
            self.pending_bits -= 8;
        }
    }

    /// Zero bits up to the next byte boundary.
    pub fn pad(&mut self) {
        if self.pending_bits > 0 {
            self.bits(8 - self.pending_bits, 0);
        }
    }

    /// Whole bytes after `pad`.
    pub fn append(&mut self, bytes: &[u8]) {
        debug_assert_eq!(self.pending_bits, 0);
        self.bytes.extend_from_slice(bytes);
    }

    pub fn mark(&self) -> Mark {
        Mark { len: self.bytes.len(), pending: self.pending, pending_bits: self.pending_bits }
    }

    pub fn bits_since(&self, mark: Mark) -> usize {
        (self.bytes.len() - mark.len) * 8 + self.pending_bits as usize - mark.pending_bits as usize
    }

    pub fn rewind(&mut self, mark: Mark) {
        self.bytes.truncate(mark.len);
        self.pending = mark.pending;
        self.pending_bits = mark.pending_bits;
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.pad();
        self.bytes
    }
}

/// A prefix code: each symbol's length and its code, bit-reversed to be written least significant
/// bit first (prefix codes are sent from their most significant bit, §3.1).
pub struct PrefixCode {
    lengths: Vec<u8>,
    codes: Vec<u16>,
    /// The symbol of a code with one used symbol (or none: 0), which takes no bits.
    lone: usize,
}

impl PrefixCode {
    /// The code for `counts`, its lengths at most `limit`. A single used symbol (or none) gets a
    /// code of no bits at all, as the simple form with one symbol says (§3.4).
    pub fn new(counts: &[u32], limit: u8) -> Self {
        let lengths = limited_lengths(counts, limit);
        let codes = canonical_codes(&lengths);
        let lone = counts.iter().position(|&c| c > 0).unwrap_or(0);
        Self { lengths, codes, lone }
    }

    pub fn write(&self, out: &mut BitWriter, symbol: usize) {
        out.bits(u32::from(self.lengths[symbol]), u64::from(self.codes[symbol]));
    }

    /// Writes the code's lengths for a decoder: the simple form for up to four used symbols,
    /// the complex form (lengths run-length coded with a code of their own) for more.
    pub fn write_code(&self, out: &mut BitWriter, alphabet_bits: u32) {
        let mut used: Vec<usize> = (0..self.lengths.len()).filter(|&s| self.lengths[s] > 0).collect();
        if used.len() <= 1 {
            // A code with no bits: NSYM = 1 (§3.4).
            out.bits(2, 1);
            out.bits(2, 0);
            out.bits(alphabet_bits, self.lone as u64);
            return;
        }
        if used.len() <= 4 {
            // §3.4: the first listed symbols take the shorter codes; the decoder sorts equal ones.
            // (Hand-sorted here and below: the standard library's sorts cost kilobytes of code.)
            used =
                (1..=3).flat_map(|length| used.iter().copied().filter(move |&s| self.lengths[s] == length)).collect();
            out.bits(2, 1);
            out.bits(2, used.len() as u64 - 1);
            for &symbol in &used {
                out.bits(alphabet_bits, symbol as u64);
            }
            if used.len() == 4 {
                out.bits(1, u64::from(self.lengths[used[0]] == 1));
            }
            return;
        }
        self.write_complex(out);
    }

    /// §3.5: the lengths up to the last non-zero one, as code-length symbols 0–15, 16 (repeat the
    /// previous non-zero length, 2 extra bits) and 17 (repeat zero, 3 extra bits).
    fn write_complex(&self, out: &mut BitWriter) {
        let used_len = self.lengths.iter().rposition(|&l| l > 0).map_or(0, |last| last + 1);
        let (symbols, extras) = run_lengths(&self.lengths[..used_len]);
        let mut counts = [0u32; 18];
        for &symbol in &symbols {
            counts[usize::from(symbol)] += 1;
        }
        let length_code = Self::new(&counts, 5);
        let mut length_lengths = length_code.lengths.clone();
        let single = counts.iter().filter(|&&c| c > 0).count() == 1;
        if single {
            // A lone code-length symbol is sent with any non-zero length and then takes no bits.
            length_lengths[length_code.lone] = 1;
        }
        const ORDER: [usize; 18] = [1, 2, 3, 4, 0, 5, 17, 6, 16, 7, 8, 9, 10, 11, 12, 13, 14, 15];
        // The fixed code of the code-length code's lengths 0–5, as written LSB first (§3.5).
        const LENGTH_CODES: [(u32, u64); 6] = [(2, 0), (4, 7), (3, 3), (2, 2), (2, 1), (4, 15)];
        let skip = match (length_lengths[ORDER[0]], length_lengths[ORDER[1]], length_lengths[ORDER[2]]) {
            (0, 0, 0) => 3,
            (0, 0, _) => 2,
            _ => 0,
        };
        // With two or more used symbols the decoder stops once the lengths fill the code, so
        // trailing zeros are left out; with one it reads all 18.
        let stored = if single { 18 } else { ORDER.iter().rposition(|&s| length_lengths[s] > 0).expect("used") + 1 };
        out.bits(2, skip as u64);
        for &symbol in &ORDER[skip..stored] {
            let (bits, code) = LENGTH_CODES[usize::from(length_lengths[symbol])];
            out.bits(bits, code);
        }
        for (&symbol, &extra) in symbols.iter().zip(&extras) {
            length_code.write(out, usize::from(symbol));
            match symbol {
                16 => out.bits(2, u64::from(extra)),
                17 => out.bits(3, u64::from(extra)),
                _ => {}
            }
        }
    }
}

/// The code-length symbols and their extra bits for `lengths`. Consecutive 16s (or 17s) multiply
/// out (§3.5), so a run's count is written in base 4 (or 8), most significant digit first.
fn run_lengths(lengths: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (mut symbols, mut extras) = (Vec::new(), Vec::new());
    let mut previous = 8;
    let mut i = 0;
    while i < lengths.len() {
        let value = lengths[i];
        let mut repeat = lengths[i..].iter().take_while(|&&l| l == value).count();
        i += repeat;
        if value != 0 && value != previous {
            symbols.push(value);
            extras.push(0);
            repeat -= 1;
        }
        let (code, digit_bits) = if value == 0 { (17, 3) } else { (16, 2) };
        if value != 0 {
            previous = value;
        }
        if repeat < 3 {
            symbols.extend(std::iter::repeat_n(value, repeat));
            extras.extend(std::iter::repeat_n(0, repeat));
            continue;
        }
        let start = symbols.len();
        let mut rest = repeat - 3;
        loop {
            symbols.push(code);
            extras.push((rest & ((1 << digit_bits) - 1)) as u8);
            rest >>= digit_bits;
            if rest == 0 {
                break;
            }
            rest -= 1;
        }
        symbols[start..].reverse();
        extras[start..].reverse();
    }
    (symbols, extras)
}

/// Huffman code lengths at most `limit`: counts below a floor are raised to it, the floor doubling
/// until the tree is shallow enough (the tree stays complete, as the decoder requires).
fn limited_lengths(counts: &[u32], limit: u8) -> Vec<u8> {
    let mut floor = 1;
    loop {
        let lengths = huffman_lengths(counts, floor);
        if lengths.iter().all(|&l| l <= limit) {
            return lengths;
        }
        floor *= 2;
    }
}

fn huffman_lengths(counts: &[u32], floor: u64) -> Vec<u8> {
    let mut lengths = vec![0u8; counts.len()];
    let mut leaves: Vec<(u64, usize)> =
        (0..counts.len()).filter(|&s| counts[s] > 0).map(|s| (u64::from(counts[s]).max(floor), s)).collect();
    if leaves.len() < 2 {
        return lengths;
    }
    for i in 1..leaves.len() {
        let mut j = i;
        while j > 0 && leaves[j - 1] > leaves[j] {
            leaves.swap(j - 1, j);
            j -= 1;
        }
    }
    // Two queues: the sorted leaves, and the merged nodes (made in order of weight). Node i < n is
    // leaf i; parents are recorded to read each leaf's depth.
    let n = leaves.len();
    let mut weight: Vec<u64> = leaves.iter().map(|&(w, _)| w).collect();
    let mut parent = vec![0usize; 2 * n - 1];
    let (mut next_leaf, mut next_node) = (0, n);
    for node in n..2 * n - 1 {
        let mut take = || {
            let leaf_first = next_leaf < n && (next_node >= node || weight[next_leaf] <= weight[next_node]);
            let picked = if leaf_first { &mut next_leaf } else { &mut next_node };
            *picked += 1;
            *picked - 1
        };
        let (a, b) = (take(), take());
        weight.push(weight[a] + weight[b]);
        parent[a] = node;
        parent[b] = node;
    }
    let mut depth = vec![0u8; 2 * n - 1];
    for node in (0..2 * n - 2).rev() {
        depth[node] = depth[parent[node]] + 1;
    }
    for (i, &(_, symbol)) in leaves.iter().enumerate() {
        lengths[symbol] = depth[i];
    }
    lengths
}

/// Canonical codes (§3.2): shorter codes first, equal lengths in symbol order.
fn canonical_codes(lengths: &[u8]) -> Vec<u16> {
    let mut count = [0u16; 16];
    for &length in lengths {
        count[usize::from(length)] += 1;
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    for length in 1..16 {
        next[length] = (next[length - 1] + count[length - 1]) << 1;
    }
    lengths
        .iter()
        .map(|&length| {
            if length == 0 {
                return 0;
            }
            let code = next[usize::from(length)];
            next[usize::from(length)] += 1;
            code.reverse_bits() >> (16 - length)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kraft_sum(lengths: &[u8]) -> u32 {
        lengths.iter().filter(|&&l| l > 0).map(|&l| 1 << (15 - l)).sum()
    }

    #[test]
    fn lengths_are_complete_and_limited() {
        // Fibonacci counts make the deepest unlimited trees.
        let mut fib = vec![1u32, 1];
        while fib.len() < 40 {
            fib.push(fib[fib.len() - 1] + fib[fib.len() - 2]);
        }
        for (limit, symbols) in [(5, 18), (15, 40)] {
            let lengths = limited_lengths(&fib[..symbols], limit);
            assert_eq!(kraft_sum(&lengths), 1 << 15);
            assert!(lengths.iter().all(|&l| (1..=limit).contains(&l)), "{lengths:?}");
        }
        assert_eq!(limited_lengths(&[0, 5, 0], 15), [0, 0, 0]);
        assert_eq!(limited_lengths(&[3, 0, 1], 15), [1, 0, 1]);
    }

    #[test]
    fn long_runs_multiply_out() {
        // Each further 16 makes the count 4 * (count - 2) + extra + 3.
        let (symbols, extras) = run_lengths(&[8; 24]);
        let mut repeat = 0usize;
        for (&symbol, &extra) in symbols.iter().zip(&extras) {
            assert_eq!(symbol, 16);
            repeat = if repeat == 0 { usize::from(extra) + 3 } else { 4 * (repeat - 2) + usize::from(extra) + 3 };
        }
        assert_eq!(repeat, 24);
    }
}
