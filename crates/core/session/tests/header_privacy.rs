//! The header carries no patient information: its type has only the listed fields, and a
//! header with any other field is refused.

mod common;

use common::TempDir;
use serde::de::{Deserializer, Error as _, Visitor};
use session::{SessionError, SessionHeader, SessionReader};

/// Collects the field names a type asks a deserializer for: the type's own declaration, not any
/// one value.
struct FieldNames<'a>(&'a mut Vec<&'static str>);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(Self::Error::custom("only structs are inspected"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.extend_from_slice(fields);
        Err(Self::Error::custom("fields collected"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[test]
fn header_type_has_no_field_that_could_carry_patient_information() {
    let mut fields = Vec::new();
    let _ = <SessionHeader as serde::Deserialize>::deserialize(FieldNames(&mut fields));
    // Adding a field fails here on purpose: review it for patient information first.
    assert_eq!(
        fields,
        [
            "format_version",
            "app_version",
            "twin_bundle_id",
            "twin_content_hash",
            "lesson_id",
            "role",
            "runtime_name",
            "device_names",
            "frame_rate_hz",
            "started_utc",
            // The needle in the hand: equipment, not a person.
            "needle_model",
        ]
    );
    let identifying = [
        "patient",
        "person",
        "birth",
        "dob",
        "age",
        "sex",
        "gender",
        "mrn",
        "medical",
        "record",
        "address",
        "phone",
        "ssn",
        "insurance",
        "accession",
        "study",
        "series",
        "institution",
        "physician",
        "height",
        "weight",
        "diagnosis",
        "note",
        "comment",
        "free",
    ];
    for field in &fields {
        for word in identifying {
            assert!(
                !field.contains(word),
                "header field {field} mentions {word}"
            );
        }
    }
}

#[test]
fn header_with_an_extra_field_does_not_load() {
    let dir = TempDir::new("privacy");
    let path = dir.file("extra");
    let ron_text = ron::ser::to_string(&common::header()).unwrap();
    let with_patient = ron_text.replacen('(', "(patient_name: \"Doe^Jane\", ", 1);
    // Build a file around it with a correct checksum, so only the field is at fault.
    let mut bytes = session::FILE_MAGIC.to_vec();
    bytes.extend_from_slice(&session::FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(with_patient.len() as u32).to_le_bytes());
    bytes.extend_from_slice(with_patient.as_bytes());
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&bytes[8..]);
    bytes.extend_from_slice(&hasher.finalize().to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let error = SessionReader::open(&path).expect_err("refused");
    assert!(
        matches!(error, SessionError::HeaderInvalid { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("patient_name"), "{error}");
}
