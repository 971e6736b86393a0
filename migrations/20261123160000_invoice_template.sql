-- The invoice template's colour: the "Pay online" block and headings on invoice PDFs, as #RRGGBB.
ALTER TABLE business ADD COLUMN accent_color TEXT NOT NULL DEFAULT '#0D54BF';
