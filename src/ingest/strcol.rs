//! A text column stored the Arrow way: one byte buffer and offsets, no allocation per cell.
//! Ingest holds every text cell of every accepted row until the lake is written; with a heap
//! `String` per cell that was most of the memory at 10 million events.

#[derive(Debug, Default)]
pub struct StrCol {
    bytes: Vec<u8>,
    /// End offset of each cell in `bytes`; a null cell repeats the previous end.
    ends: Vec<u64>,
    valid: Vec<bool>,
}

impl StrCol {
    pub fn push(&mut self, v: Option<&str>) {
        if let Some(s) = v {
            self.bytes.extend_from_slice(s.as_bytes());
        }
        self.ends.push(self.bytes.len() as u64);
        self.valid.push(v.is_some());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        if !self.valid[i] {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        // SAFETY: `push` and `extend` only ever append whole `&str`s, and `ends` marks exactly
        // their boundaries, so every cell is valid UTF-8 on its own. (Checking again here cost
        // a tenth of an ingest: this is read for every cell when the lake is written.)
        Some(unsafe { std::str::from_utf8_unchecked(&self.bytes[start..end]) })
    }

    /// Room for `cells` more cells of `bytes` more bytes.
    pub fn reserve(&mut self, cells: usize, bytes: usize) {
        self.bytes.reserve(bytes);
        self.ends.reserve(cells);
        self.valid.reserve(cells);
    }

    pub fn owned(&self, i: usize) -> Option<String> {
        self.get(i).map(str::to_string)
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.range(0..self.len())
    }

    /// Cells `rows`, in order.
    pub fn range(&self, rows: std::ops::Range<usize>) -> impl Iterator<Item = Option<&str>> + '_ {
        rows.map(|i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::StrCol;

    #[test]
    fn cells_and_nulls_round_trip() {
        let mut a = StrCol::default();
        a.push(Some("00123"));
        a.push(None);
        a.push(Some(""));
        a.push(Some("한빛"));
        let got: Vec<Option<&str>> = a.iter().collect();
        assert_eq!(got, vec![Some("00123"), None, Some(""), Some("한빛")]);
        assert_eq!(a.owned(3).as_deref(), Some("한빛"));
    }
}
