/**
 * An export field's name as the policies read it: lower case, with the separators `_`, `-`,
 * `.` and white space removed. `Email`, `reviewerEmail`, `reviewer_email` and
 * `reviewer.email` become `email` and `revieweremail`: one spelling per field, so that the
 * policies' allow list (`policies/sellers.cedar`) cannot be walked around by a new spelling.
 * Other characters are kept, so an odd name stays unknown and is refused.
 */
export function normaliseField(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s._-]+/gu, '');
}
