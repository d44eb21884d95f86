//! Documents are stored in the database as content-addressed blobs. Before anything is built
//! on them, this proves the blob type round-trips every byte on both backends, large files
//! included, and that the same content is stored once.

use foi_tracker::db::documents::{blob, blob_count, sha256_hex, store_blob};

/// Every byte value, then a few megabytes of a fixed pseudo-random sequence (a PDF or a
/// spreadsheet is no kinder to an encoding than this).
fn awkward_bytes(len: usize) -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..=255u8).collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

on_both_backends! {
    async fn blobs_round_trip_every_byte_and_are_stored_once(app) {
        let mut conn = app.connection();
        let now = foi_tracker::clock::now();
        let empty: &[u8] = &[];
        let small = awkward_bytes(300);
        let large = awkward_bytes(6 * 1024 * 1024 + 7);
        for bytes in [empty, &small[..], &large[..]] {
            let (key, new) = store_blob(&mut conn, bytes, now).unwrap();
            assert!(new);
            assert_eq!(key, sha256_hex(bytes));
            let back = blob(&mut conn, &key).unwrap().expect("stored");
            assert_eq!(back.len(), bytes.len());
            assert!(back == bytes, "byte for byte");
        }
        // The well-known digest of nothing, so the key is the standard SHA-256 in hex.
        assert_eq!(sha256_hex(empty), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        let (key, new) = store_blob(&mut conn, &large, now).unwrap();
        assert!(!new, "the same content again is not stored again");
        assert_eq!(key, sha256_hex(&large));
        assert_eq!(blob_count(&mut conn).unwrap(), 3);
        assert_eq!(blob(&mut conn, &"0".repeat(64)).unwrap(), None);
    }
}
