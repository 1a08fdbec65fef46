//! A small Brotli encoder (RFC 7932) for the bodies this function sends: LZ77 over a 4 MiB window
//! with a bounded number of probes per position, and one prefix code per category in each
//! meta-block (no static dictionary, block types or context modelling).

mod prefix;
#[cfg(test)]
pub(crate) mod tests;

use prefix::{BitWriter, PrefixCode};

/// Window bits: distances reach back at most 2^22 - 16 bytes (§9.1).
const WINDOW_BITS: u32 = 22;
const MAX_DISTANCE: usize = (1 << WINDOW_BITS) - 16;
/// Input per meta-block: a meta-block's codes fit the text it covers, and its commands are held in
/// memory until they are written.
const META_BLOCK_BYTES: usize = 1 << 20;
const MIN_MATCH: usize = 4;
/// The hash table: each bucket keeps the last `PROBES` positions whose four bytes hash to it, so
/// finding a match costs at most `PROBES` comparisons whatever the input.
const BUCKET_BITS: u32 = 14;
const PROBES: usize = 16;
/// Brotli's match scoring (its `BackwardReferenceScore`): a byte copied is worth 135, a bit of
/// distance costs 50, and a match must score over `MIN_SCORE`, so a short match far back stays
/// literals. brotli's 30 a bit made our feeds 8% larger: many short far copies cost more than the
/// literals they replace (docs/benchmarks.md, "Brotli").
const SCORE_BASE: u32 = 1920;
const MIN_SCORE: u32 = SCORE_BASE + 100;
const DISTANCE_BIT_COST: u32 = 50;
/// A match found one byte later replaces the current one when it scores this much better.
const LAZY_GAIN: u32 = 175;
const MAX_LAZY: usize = 4;

/// `bytes` as a Brotli stream.
pub fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut out = BitWriter::with_capacity(bytes.len() / 4 + 16);
    // WBITS = 22: a one bit, then 22 - 17 in three bits (§9.1).
    out.bits(1, 1);
    out.bits(3, u64::from(WINDOW_BITS - 17));
    if bytes.is_empty() {
        out.bits(2, 0b11); // ISLAST, ISLASTEMPTY
        return out.finish();
    }
    let mut matcher = Matcher::new();
    let mut last_distance = 4; // the first of the distance ring's initial values (§4)
    let mut start = 0;
    while start < bytes.len() {
        let end = (start + META_BLOCK_BYTES).min(bytes.len());
        let last = end == bytes.len();
        let distance_before = last_distance;
        let commands = matcher.commands(bytes, start, end, &mut last_distance);
        let mark = out.mark();
        write_compressed(&mut out, bytes, start, end, last, &commands);
        // Text that does not compress goes as it is (a meta-block that says so cannot be the last).
        if out.bits_since(mark) > (end - start + 8) * 8 {
            out.rewind(mark);
            last_distance = distance_before;
            write_header(&mut out, end - start, false, true);
            out.pad();
            out.append(&bytes[start..end]);
            if last {
                out.bits(2, 0b11);
            }
        }
        start = end;
    }
    out.finish()
}

/// Insert `insert` literals, then copy `copy` bytes from `distance` back (or end the meta-block).
struct Command {
    insert: u32,
    copy: u32,
    /// The insert-and-copy symbol (§5): it says whether a distance symbol follows.
    symbol: u16,
    /// The distance symbol and its extra bits, if written (§4).
    distance: Option<(u8, u8, u32)>,
}

impl Command {
    fn new(insert: usize, copy: usize, distance: usize, last_distance: &mut usize) -> Self {
        let (insert_code, copy_code) = (length_code(&INSERT_BASE, insert), length_code(&COPY_BASE, copy));
        let repeat = distance == *last_distance;
        let symbol = if repeat && insert_code < 8 && copy_code < 16 {
            // Cells 0..127 of §5's table: distance symbol 0 without writing it.
            (copy_code & 7) | (insert_code << 3) | (copy_code & 8) << 3
        } else {
            const CELLS: [[u16; 3]; 3] = [[128, 192, 384], [256, 320, 512], [448, 576, 640]];
            CELLS[usize::from(insert_code >> 3)][usize::from(copy_code >> 3)] | (copy_code & 7) | (insert_code & 7) << 3
        };
        let distance = if symbol < 128 {
            None
        } else if repeat {
            Some((0, 0, 0))
        } else {
            *last_distance = distance;
            // With NPOSTFIX = 0 and NDIRECT = 0, symbol 16 + 2 * (bits - 1) + high covers
            // distances from ((2 + high) << bits) - 3 on, `bits` extra bits each (§4).
            let shifted = distance + 3;
            let bits = shifted.ilog2() - 1;
            let high = (shifted >> bits) & 1;
            let extra = shifted - ((2 + high) << bits);
            Some(((16 + 2 * (bits - 1) + high as u32) as u8, bits as u8, extra as u32))
        };
        Self { insert: insert as u32, copy: copy as u32, symbol, distance }
    }
}

impl Command {
    /// The meta-block ends inside this command's insert, so no copy length or distance is read
    /// after it; copy length code 0 takes no extra bits.
    fn insert_only(insert: usize) -> Self {
        let code = length_code(&INSERT_BASE, insert);
        let symbol = if code < 8 { code << 3 } else { [256, 448][usize::from(code >> 4)] | (code & 7) << 3 };
        Self { insert: insert as u32, copy: 0, symbol, distance: None }
    }
}

// §5: the lengths each insert and copy length code starts at, and their extra bits.
const INSERT_BASE: [u32; 24] =
    [0, 1, 2, 3, 4, 5, 6, 8, 10, 14, 18, 26, 34, 50, 66, 98, 130, 194, 322, 578, 1090, 2114, 6210, 22594];
const INSERT_EXTRA: [u8; 24] = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 12, 14, 24];
const COPY_BASE: [u32; 24] =
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 18, 22, 30, 38, 54, 70, 102, 134, 198, 326, 582, 1094, 2118];
const COPY_EXTRA: [u8; 24] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 24];

fn length_code(base: &[u32; 24], length: usize) -> u16 {
    (base.partition_point(|&start| start as usize <= length) - 1) as u16
}

/// A meta-block's header (§9.2): ISLAST, MNIBBLES and MLEN - 1, ISUNCOMPRESSED where allowed.
fn write_header(out: &mut BitWriter, len: usize, last: bool, uncompressed: bool) {
    out.bits(1, u64::from(last));
    if last {
        out.bits(1, 0); // ISLASTEMPTY
    }
    let nibbles = match len - 1 {
        0..0x1_0000 => 4,
        0x1_0000..0x10_0000 => 5,
        _ => 6,
    };
    out.bits(2, nibbles - 4);
    out.bits(nibbles as u32 * 4, len as u64 - 1);
    if !last {
        out.bits(1, u64::from(uncompressed));
    }
}

fn write_compressed(out: &mut BitWriter, bytes: &[u8], start: usize, end: usize, last: bool, commands: &[Command]) {
    let (mut literal_counts, mut command_counts, mut distance_counts) = ([0u32; 256], [0u32; 704], [0u32; 64]);
    let mut pos = start;
    for command in commands {
        for &byte in &bytes[pos..pos + command.insert as usize] {
            literal_counts[usize::from(byte)] += 1;
        }
        command_counts[usize::from(command.symbol)] += 1;
        if let Some((symbol, ..)) = command.distance {
            distance_counts[usize::from(symbol)] += 1;
        }
        pos += (command.insert + command.copy) as usize;
    }
    let literals = PrefixCode::new(&literal_counts, 15);
    let insert_and_copy = PrefixCode::new(&command_counts, 15);
    let distances = PrefixCode::new(&distance_counts, 15);

    write_header(out, end - start, last, false);
    // NBLTYPESL, NBLTYPESI, NBLTYPESD = 1; NPOSTFIX = 0; NDIRECT = 0; literal context mode LSB6;
    // NTREESL = 1 and NTREESD = 1, so no context maps (§9.2).
    out.bits(13, 0);
    literals.write_code(out, 8);
    insert_and_copy.write_code(out, 10);
    distances.write_code(out, 6);

    let mut pos = start;
    for command in commands {
        insert_and_copy.write(out, usize::from(command.symbol));
        let (insert, copy) = (command.insert as usize, command.copy as usize);
        let insert_code = usize::from(length_code(&INSERT_BASE, insert));
        out.bits(u32::from(INSERT_EXTRA[insert_code]), (insert as u32 - INSERT_BASE[insert_code]).into());
        if copy > 0 {
            let copy_code = usize::from(length_code(&COPY_BASE, copy));
            out.bits(u32::from(COPY_EXTRA[copy_code]), (copy as u32 - COPY_BASE[copy_code]).into());
        }
        for &byte in &bytes[pos..pos + insert] {
            literals.write(out, usize::from(byte));
        }
        if let Some((symbol, bits, extra)) = command.distance {
            distances.write(out, usize::from(symbol));
            out.bits(u32::from(bits), u64::from(extra));
        }
        pos += insert + copy;
    }
}

/// Finds matches through a hash of the next four bytes; positions are kept plus one (0 is empty).
struct Matcher {
    buckets: Vec<u32>,
    filled: Vec<u16>,
}

struct Match {
    len: usize,
    distance: usize,
    score: u32,
}

impl Matcher {
    fn new() -> Self {
        Self { buckets: vec![0; PROBES << BUCKET_BITS], filled: vec![0; 1 << BUCKET_BITS] }
    }

    fn bucket(bytes: &[u8], pos: usize) -> usize {
        let word = u32::from_le_bytes(bytes[pos..pos + 4].try_into().expect("four bytes"));
        (word.wrapping_mul(0x1E35_A7BD) >> (32 - BUCKET_BITS)) as usize
    }

    fn insert(&mut self, bytes: &[u8], pos: usize) {
        if pos + 4 <= bytes.len() {
            let bucket = Self::bucket(bytes, pos);
            let slot = usize::from(self.filled[bucket]) % PROBES;
            self.buckets[bucket * PROBES + slot] = pos as u32 + 1;
            self.filled[bucket] = self.filled[bucket].wrapping_add(1);
        }
    }

    /// The commands covering `bytes[start..end]`, greedy with a few steps of lazy matching.
    fn commands(&mut self, bytes: &[u8], start: usize, end: usize, last_distance: &mut usize) -> Vec<Command> {
        let mut commands = Vec::new();
        let (mut pos, mut literals_from) = (start, start);
        while pos + MIN_MATCH <= end {
            let Some(mut found) = self.find(bytes, pos, end, *last_distance) else {
                self.insert(bytes, pos);
                pos += 1;
                continue;
            };
            self.insert(bytes, pos);
            for _ in 0..MAX_LAZY {
                match self.find(bytes, pos + 1, end, *last_distance) {
                    Some(next) if next.score > found.score + LAZY_GAIN => {
                        pos += 1;
                        self.insert(bytes, pos);
                        found = next;
                    }
                    _ => break,
                }
            }
            commands.push(Command::new(pos - literals_from, found.len, found.distance, last_distance));
            for skipped in pos + 1..pos + found.len {
                self.insert(bytes, skipped);
            }
            pos += found.len;
            literals_from = pos;
        }
        if literals_from < end {
            commands.push(Command::insert_only(end - literals_from));
        }
        commands
    }

    fn find(&self, bytes: &[u8], pos: usize, end: usize, last_distance: usize) -> Option<Match> {
        if pos + MIN_MATCH > end {
            return None;
        }
        let mut best: Option<Match> = None;
        if last_distance <= pos {
            let len = common_len(bytes, pos - last_distance, pos, end);
            if len >= MIN_MATCH {
                // The last distance costs no distance bits (brotli's own scoring, roughly).
                best = Some(Match { len, distance: last_distance, score: score(len, 0) + 15 });
            }
        }
        let bucket = Self::bucket(bytes, pos);
        for &stored in &self.buckets[bucket * PROBES..(bucket + 1) * PROBES] {
            let Some(candidate) = (stored as usize).checked_sub(1).filter(|&c| c < pos) else { continue };
            let distance = pos - candidate;
            let best_len = best.as_ref().map_or(0, |b| b.len);
            if distance > MAX_DISTANCE || pos + best_len >= end || bytes[candidate + best_len] != bytes[pos + best_len]
            {
                continue;
            }
            let len = common_len(bytes, candidate, pos, end);
            if len < MIN_MATCH {
                continue;
            }
            let score = score(len, distance.ilog2());
            if score > MIN_SCORE && best.as_ref().is_none_or(|b| score > b.score) {
                best = Some(Match { len, distance, score });
            }
        }
        best
    }
}

fn score(len: usize, distance_bits: u32) -> u32 {
    SCORE_BASE + 135 * len.min(1 << 20) as u32 - DISTANCE_BIT_COST * distance_bits
}

/// How many bytes from `from` equal those from `pos`, up to `end`.
fn common_len(bytes: &[u8], from: usize, pos: usize, end: usize) -> usize {
    let mut len = 0;
    while pos + len + 8 <= end {
        let a = u64::from_le_bytes(bytes[from + len..from + len + 8].try_into().expect("eight bytes"));
        let b = u64::from_le_bytes(bytes[pos + len..pos + len + 8].try_into().expect("eight bytes"));
        if a != b {
            return len + ((a ^ b).trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    while pos + len < end && bytes[from + len] == bytes[pos + len] {
        len += 1;
    }
    len
}
