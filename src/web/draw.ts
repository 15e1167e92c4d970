// Draw a digit for the MNIST task: a canvas the user draws on with a mouse, finger or pen
// (pointer events), turned into the 28×28 grey image the network reads row by row. MNIST digits
// are centred and scaled to fit a 20×20 box inside the 28×28 image (LeCun et al., "The MNIST
// database"), so the drawing's bounding box is scaled and centred the same way.
export class DrawPad {
  private readonly ctx: CanvasRenderingContext2D;
  private drawing = false;
  private inked = false;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener("pointerdown", (e) => { this.drawing = true; canvas.setPointerCapture(e.pointerId); this.ctx.beginPath(); this.ctx.moveTo(...this.at(e)); this.dot(e); });
    canvas.addEventListener("pointermove", (e) => { if (this.drawing) { this.ctx.lineTo(...this.at(e)); this.ctx.stroke(); this.inked = true; } });
    const end = () => { this.drawing = false; };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
  }

  private at(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * this.canvas.width) / r.width, ((e.clientY - r.top) * this.canvas.height) / r.height];
  }

  private dot(e: PointerEvent): void { const [x, y] = this.at(e); this.ctx.fillRect(x - 6, y - 6, 12, 12); this.inked = true; }

  clear(): void {
    const c = this.ctx;
    c.fillStyle = "#000"; c.fillRect(0, 0, this.canvas.width, this.canvas.height);
    c.strokeStyle = "#fff"; c.fillStyle = "#fff"; c.lineWidth = 14; c.lineCap = "round"; c.lineJoin = "round";
    this.inked = false;
  }

  /** The drawing as 784 values in 0…1 (row-major, white ink = 1), or null when nothing is drawn. */
  pixels28(): number[] | null {
    if (!this.inked) return null;
    const { width: W, height: H } = this.canvas, img = this.ctx.getImageData(0, 0, W, H).data;
    let x0 = W, y0 = H, x1 = -1, y1 = -1;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (img[(y * W + x) * 4] > 40) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    if (x1 < 0) return null;
    const side = Math.max(x1 - x0 + 1, y1 - y0 + 1), scale = 20 / side;
    const small = document.createElement("canvas");
    small.width = 28; small.height = 28;
    const s = small.getContext("2d", { willReadFrequently: true })!;
    s.fillStyle = "#000"; s.fillRect(0, 0, 28, 28);
    s.imageSmoothingEnabled = true;
    const w = (x1 - x0 + 1) * scale, h = (y1 - y0 + 1) * scale;
    s.drawImage(this.canvas, x0, y0, x1 - x0 + 1, y1 - y0 + 1, (28 - w) / 2, (28 - h) / 2, w, h);
    const px = s.getImageData(0, 0, 28, 28).data;
    return Array.from({ length: 784 }, (_, i) => px[i * 4] / 255);
  }
}
