"""The monthly review: charts with their takeaways, the strategies to refine, and the reports.

``review`` reads the workspace once and builds every section; ``refine`` flags what does not work;
``charts`` draws; ``report`` writes the review as HTML or Markdown.
"""
