__version__ = "0.1.0"
PROJECT_URL = "https://github.com/ao3conv/ao3conv"
