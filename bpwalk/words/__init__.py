"""Every sentence a user reads, in English and Chinese."""
