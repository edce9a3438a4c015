"""focuscode: qualitative coding of anonymised Dutch focus-group transcripts."""

__version__ = "0.1.0"
