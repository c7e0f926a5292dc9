"""Operations: metrics (`/metrics`), structured logs without personal data, `aida doctor`."""
