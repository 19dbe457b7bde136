"""The DOCX writer package: writer.py (packaging), translator.py (visits the model) and their parts."""
