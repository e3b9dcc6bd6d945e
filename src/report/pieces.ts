/**
 * Characters per piece that the streamed reports (JSON, text) hand to their writer. Below V8's
 * large-object size (128 KB), so each piece is short-lived young-generation garbage instead of
 * piling up in the old generation until a full collection: on a 450 MB report, 1 MB pieces raised
 * the peak memory by a few hundred MB.
 */
export const PIECE = 48 * 1024;
