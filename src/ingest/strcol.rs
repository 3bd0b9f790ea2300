//! Column buffers for the rows ingest holds until the lake is written, stored compactly: every
//! byte of them is memory faulted in fresh, which was most of an ingest's kernel time.
//!
//! - `StrCol`: text the Arrow way, one byte buffer and offsets, no allocation per cell; an
//!   offset's top bit marks a null cell.
//! - `NumCol`: numbers with a sentinel for null (8 bytes a timestamp instead of 16 for an
//!   `Option<i64>`).
//! - `CatCol`: normalised enum spellings as one-byte codes into the column's few values.
//! - `LineCol`: line numbers as 4-byte offsets from the part's first line.
//!
//! A part of a table (see `ingest::Part`) holds at most 1 GiB of text per column and lines
//! within 4 billion of its first, so 32-bit offsets suffice; `fits` tells when to start a new
//! part.

/// Most bytes a text column of one part may hold before a new part is started.
pub const PART_TEXT_LIMIT: usize = 1 << 30;
const NULL_BIT: u32 = 1 << 31;

#[derive(Debug, Default)]
pub struct StrCol {
    bytes: Vec<u8>,
    /// End offset of each cell in `bytes`, its top bit set for a null cell (which repeats the
    /// previous end).
    ends: Vec<u32>,
}

impl StrCol {
    pub fn push(&mut self, v: Option<&str>) {
        if let Some(s) = v {
            self.bytes.extend_from_slice(s.as_bytes());
        }
        let end = u32::try_from(self.bytes.len())
            .ok()
            .filter(|e| e & NULL_BIT == 0)
            .expect("a part's text column stays under 2 GiB (see PART_TEXT_LIMIT)");
        self.ends
            .push(if v.is_some() { end } else { end | NULL_BIT });
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = self.ends[i];
        if end & NULL_BIT != 0 {
            return None;
        }
        let start = if i == 0 {
            0
        } else {
            (self.ends[i - 1] & !NULL_BIT) as usize
        };
        // SAFETY: `push` only ever appends whole `&str`s, and `ends` marks exactly their
        // boundaries, so every cell is valid UTF-8 on its own. (Checking again here cost a
        // tenth of an ingest: this is read for every cell when the lake is written.)
        Some(unsafe { std::str::from_utf8_unchecked(&self.bytes[start..end as usize]) })
    }

    /// Room for `cells` more cells.
    pub fn reserve(&mut self, cells: usize) {
        self.ends.reserve(cells);
    }

    /// Bytes of text held.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// Cells `rows`, in order.
    pub fn range(&self, rows: std::ops::Range<usize>) -> impl Iterator<Item = Option<&str>> + '_ {
        rows.map(|i| self.get(i))
    }
}

/// A number type with a value that never occurs in data and stands for null.
pub trait Nullable: Copy {
    const NULL: Self;
    fn is_null(self) -> bool;
}

impl Nullable for i64 {
    // Counts and ratings are >= 0; timestamps are seconds within chrono's years.
    const NULL: i64 = i64::MIN;
    fn is_null(self) -> bool {
        self == i64::MIN
    }
}

impl Nullable for i32 {
    // Days since 1970 within chrono's years.
    const NULL: i32 = i32::MIN;
    fn is_null(self) -> bool {
        self == i32::MIN
    }
}

impl Nullable for f64 {
    // Decimals and percentages are checked finite.
    const NULL: f64 = f64::NAN;
    fn is_null(self) -> bool {
        self.is_nan()
    }
}

#[derive(Debug, Default)]
pub struct NumCol<T>(Vec<T>);

impl<T: Nullable> NumCol<T> {
    pub fn push(&mut self, v: Option<T>) {
        debug_assert!(
            v.is_none_or(|x| !x.is_null()),
            "a value equal to the null sentinel"
        );
        self.0.push(v.unwrap_or(T::NULL));
    }
    pub fn get(&self, i: usize) -> Option<T> {
        let x = self.0[i];
        (!x.is_null()).then_some(x)
    }
    pub fn reserve(&mut self, n: usize) {
        self.0.reserve(n);
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn range(&self, rows: std::ops::Range<usize>) -> impl Iterator<Item = Option<T>> + '_ {
        self.0[rows].iter().map(|&x| (!x.is_null()).then_some(x))
    }
}

/// Enum spellings (`P1`, `open`, ...) as codes: 0 is null, `k` is `values[k - 1]`.
#[derive(Debug, Default)]
pub struct CatCol {
    values: Vec<&'static str>,
    codes: Vec<u8>,
}

impl CatCol {
    pub fn push(&mut self, v: Option<&'static str>) {
        let code = match v {
            None => 0,
            // The spellings are a few `&'static str`s: the address settles it almost always.
            Some(s) => match self
                .values
                .iter()
                .position(|x| (x.as_ptr() == s.as_ptr() && x.len() == s.len()) || *x == s)
            {
                Some(k) => k + 1,
                None => {
                    self.values.push(s);
                    self.values.len()
                }
            },
        };
        self.codes.push(
            u8::try_from(code).expect("an enum column has fewer than 256 distinct spellings"),
        );
    }
    pub fn get(&self, i: usize) -> Option<&'static str> {
        match self.codes[i] {
            0 => None,
            k => Some(self.values[k as usize - 1]),
        }
    }
    pub fn reserve(&mut self, n: usize) {
        self.codes.reserve(n);
    }
    pub fn len(&self) -> usize {
        self.codes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
    pub fn range(
        &self,
        rows: std::ops::Range<usize>,
    ) -> impl Iterator<Item = Option<&'static str>> + '_ {
        rows.map(|i| self.get(i))
    }
}

/// Line numbers of a part's rows, as offsets from its first row's line.
#[derive(Debug, Default)]
pub struct LineCol {
    base: u64,
    offsets: Vec<u32>,
}

impl LineCol {
    /// Whether `line` can be pushed (it is within 4 billion lines of the first).
    pub fn fits(&self, line: u64) -> bool {
        self.offsets.is_empty()
            || line
                .checked_sub(self.base)
                .is_some_and(|d| d <= u32::MAX as u64)
    }
    pub fn push(&mut self, line: u64) {
        if self.offsets.is_empty() {
            self.base = line;
        }
        let d = line
            .checked_sub(self.base)
            .and_then(|d| u32::try_from(d).ok())
            .expect("checked by fits");
        self.offsets.push(d);
    }
    pub fn get(&self, i: usize) -> u64 {
        self.base + self.offsets[i] as u64
    }
    pub fn reserve(&mut self, n: usize) {
        self.offsets.reserve(n);
    }
    pub fn len(&self) -> usize {
        self.offsets.len()
    }
    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }
    pub fn range(&self, rows: std::ops::Range<usize>) -> impl Iterator<Item = u64> + '_ {
        self.offsets[rows].iter().map(|&d| self.base + d as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_nulls_round_trip() {
        let mut a = StrCol::default();
        a.push(Some("00123"));
        a.push(None);
        a.push(Some(""));
        a.push(Some("한빛"));
        let got: Vec<Option<&str>> = a.range(0..4).collect();
        assert_eq!(got, vec![Some("00123"), None, Some(""), Some("한빛")]);
        assert_eq!(a.range(1..3).collect::<Vec<_>>(), vec![None, Some("")]);
    }

    #[test]
    fn numbers_enums_and_lines_keep_nulls_and_values() {
        let mut t = NumCol::<i64>::default();
        for v in [Some(0), None, Some(-1_700_000_000), Some(i64::MAX)] {
            t.push(v);
        }
        let got: Vec<_> = t.range(0..4).collect();
        assert_eq!(
            got,
            vec![Some(0), None, Some(-1_700_000_000), Some(i64::MAX)]
        );
        let mut f = NumCol::<f64>::default();
        f.push(Some(0.5));
        f.push(None);
        assert_eq!((f.get(0), f.get(1)), (Some(0.5), None));
        let mut d = NumCol::<i32>::default();
        d.push(None);
        d.push(Some(-3));
        assert_eq!((d.get(0), d.get(1)), (None, Some(-3)));

        let mut c = CatCol::default();
        for v in [Some("P1"), None, Some("P3"), Some("P1")] {
            c.push(v);
        }
        assert_eq!(
            c.range(0..4).collect::<Vec<_>>(),
            vec![Some("P1"), None, Some("P3"), Some("P1")]
        );

        let mut l = LineCol::default();
        assert!(l.fits(u64::MAX));
        l.push(5_000_000_000);
        l.push(5_000_000_007);
        assert_eq!(
            l.range(0..2).collect::<Vec<_>>(),
            vec![5_000_000_000, 5_000_000_007]
        );
        assert!(!l.fits(5_000_000_000 + (1 << 32)));
        assert!(!l.fits(4), "a line before the part's first does not fit");
    }
}
