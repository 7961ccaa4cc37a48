"""Data-subject rights on the registry's Resident: what DigiWard may do with the data
(`consent.data_use`), export everything held (`services.resident_export`, `…_pdf`) and
anonymise on a lawful request (`services.resident_anonymise`), across every app that
registered a section in `digiward.core.personal_data`."""
