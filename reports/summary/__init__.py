"""The Secretary-General's summary report: numbers in UN style, wording templates filled from a
cycle's statistics, the document assembled with its numbered paragraphs, and the PDF."""
