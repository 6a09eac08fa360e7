//! Fixed-layout byte reading and writing that cannot panic.

/// Reads fixed-size fields in order. Callers check the total length first; a short input
/// yields zero-filled fields instead of a panic.
pub(crate) struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self(bytes)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let (head, tail) = self.0.split_at(N.min(self.0.len()));
        for (slot, byte) in out.iter_mut().zip(head) {
            *slot = *byte;
        }
        self.0 = tail;
        out
    }

    pub(crate) fn byte(&mut self) -> u8 {
        let [byte] = self.array::<1>();
        byte
    }

    pub(crate) fn u16(&mut self) -> u16 {
        u16::from_be_bytes(self.array())
    }

    pub(crate) fn u32(&mut self) -> u32 {
        u32::from_be_bytes(self.array())
    }

    pub(crate) fn u64(&mut self) -> u64 {
        u64::from_be_bytes(self.array())
    }
}

/// Concatenates fields into a fixed-size array; the field lengths must add up to `N`.
pub(crate) fn concat_fixed<const N: usize>(fields: &[&[u8]]) -> [u8; N] {
    let mut out = [0u8; N];
    let mut rest = out.as_mut_slice();
    for field in fields {
        let len = field.len().min(rest.len());
        let (head, tail) = rest.split_at_mut(len);
        head.copy_from_slice(field.split_at(len).0);
        rest = tail;
    }
    out
}
