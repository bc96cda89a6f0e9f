"""Every ffmpeg and PyAV call: encoding, probing, captions, GIFs."""
