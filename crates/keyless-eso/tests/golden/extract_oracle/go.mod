module keyless.invalid/extract_oracle

go 1.19
