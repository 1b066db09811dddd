"""Chinese NLP for governance texts: segmentation, themes, keywords, entities, types."""
